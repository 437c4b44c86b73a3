// The agent's heartbeat on the hub: its Lease (renewed every 10 s, 40 s duration) and its MemberCluster status.
import type { Logger } from 'pino';
import { FLEET_GROUP, FLEET_VERSION } from '../../api/fleet/group.js';
import type { MemberCluster, MemberClusterStatusT } from '../../api/fleet/membercluster.js';
import { errorMessage } from '../../errors/index.js';
import { isNotFound } from '../../kube/api-error.js';
import { rfc3339Micro, sleep } from '../../kube/clock.js';
import type { KubeClient } from '../../kube/http.js';
import { ref } from '../../kube/resource.js';
import { writeStatus } from '../../kube/status.js';
import { AGENT_LEASE, agentUser, memberNamespace } from '../names.js';

export const LEASE_RENEW_MS = 10_000;
export const LEASE_DURATION_SECONDS = 40;

interface Lease {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string };
}

interface Node {
  metadata: { labels?: Record<string, string> };
  status?: { conditions?: Array<{ type: string; status: string }> };
}

type NodeCount = NonNullable<MemberClusterStatusT['nodes']>[number];

/** Nodes counted by `topology.kubernetes.io/zone` and `kubernetes.io/arch`, with how many are Ready (pure). */
export function countNodes(nodes: readonly Node[]): NodeCount[] {
  const by = new Map<string, NodeCount>();
  for (const n of nodes) {
    const zone = n.metadata.labels?.['topology.kubernetes.io/zone'];
    const arch = n.metadata.labels?.['kubernetes.io/arch'];
    const k = `${zone ?? ''}\u0000${arch ?? ''}`;
    const c = by.get(k) ?? { ...(zone ? { zone } : {}), ...(arch ? { arch } : {}), count: 0, ready: 0 };
    c.count++;
    if (n.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) c.ready = (c.ready ?? 0) + 1;
    by.set(k, c);
  }
  return [...by.values()].sort((a, b) => `${a.zone ?? ''}/${a.arch ?? ''}`.localeCompare(`${b.zone ?? ''}/${b.arch ?? ''}`)).slice(0, 256);
}

export interface HeartbeatOptions {
  cluster: string;
  hub: KubeClient;
  member: KubeClient;
  agentVersion: string;
  log: Logger;
  signal: AbortSignal;
}

/** Renew the Lease once (create it when missing). */
export async function renewLease(o: Pick<HeartbeatOptions, 'cluster' | 'hub' | 'signal'>, now = new Date()): Promise<void> {
  const leases = ref('coordination.k8s.io/v1', 'leases', memberNamespace(o.cluster));
  const spec = { holderIdentity: agentUser(o.cluster), leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: rfc3339Micro(now) };
  let cur: Lease | undefined;
  try {
    cur = await o.hub.get<Lease>(leases, AGENT_LEASE, { signal: o.signal });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!cur) {
    await o.hub.create(leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: AGENT_LEASE, namespace: memberNamespace(o.cluster) }, spec: { ...spec, acquireTime: rfc3339Micro(now) } }, { signal: o.signal });
    return;
  }
  await o.hub.replace(leases, AGENT_LEASE, { ...cur, spec: { ...cur.spec, ...spec, acquireTime: cur.spec.acquireTime ?? rfc3339Micro(now) } }, { signal: o.signal });
}

/** Write the member's facts into its MemberCluster status (only the status subresource; other fields kept). */
export async function reportMember(o: HeartbeatOptions): Promise<boolean> {
  const version = await o.member.request<{ gitVersion?: string }>({ method: 'GET', path: '/version', signal: o.signal, target: 'version' });
  const nodes = (await o.member.list<Node>(ref('v1', 'nodes'), { signal: o.signal })).items;
  const counted = countNodes(nodes);
  const mcs = ref(`${FLEET_GROUP}/${FLEET_VERSION}`, 'memberclusters');
  const r = await writeStatus({
    client: o.hub,
    resource: mcs,
    name: o.cluster,
    signal: o.signal,
    desired: (obj) => ({ ...((obj as unknown as MemberCluster).status ?? {}), kubernetesVersion: version.gitVersion, agentVersion: o.agentVersion, nodes: counted, nodeCount: nodes.length }),
  });
  return r.changed;
}

/** Renew the Lease every 10 s and report the member every few renewals, until the signal aborts; errors are logged and retried. */
export async function runHeartbeat(o: HeartbeatOptions): Promise<void> {
  let n = 0;
  let failing = false;
  let reportFailing = false;
  while (!o.signal.aborted) {
    try {
      await renewLease(o);
      if (failing) o.log.info('hub reachable again: lease renewed');
      failing = false;
    } catch (err) {
      if (o.signal.aborted) break;
      if (!failing) o.log.warn({ err: errorMessage(err) }, 'lease renewal failed; retrying');
      failing = true;
    }
    if (!failing && (n % 3 === 0 || reportFailing)) {
      try {
        await reportMember(o);
        reportFailing = false;
      } catch (err) {
        if (o.signal.aborted) break;
        if (!reportFailing) o.log.warn({ err: errorMessage(err) }, 'MemberCluster status not written; retrying');
        reportFailing = true;
      }
    }
    n++;
    await sleep(failing ? 3_000 : LEASE_RENEW_MS, o.signal).catch(() => undefined);
  }
}
