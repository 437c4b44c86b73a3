// What a hub admin does to members: list them, accept one, make one leave. Each action records who did it in an Event.
import { PlinthError } from '../../errors/index.js';
import { isNotFound } from '../../kube/api-error.js';
import { sleep } from '../../kube/clock.js';
import { EventRecorder } from '../../kube/events.js';
import type { KubeClient } from '../../kube/http.js';
import type { MemberCluster } from '../../api/index.js';
import { age } from '../../term/age.js';
import { LABEL_ARCH, LABEL_REGION, LABEL_TIER, memberNamespace } from '../names.js';
import { FIELD_MANAGER, RES } from './keys.js';

const CLI_COMPONENT = 'plinth-cli';

/** One row of `plinth fleet clusters` (also its JSON shape, under `items`). */
export interface MemberRow {
  name: string;
  accepted: boolean;
  joined: string;
  connected: string;
  ready: string;
  version?: string;
  nodes?: number;
  tier?: string;
  region?: string;
  arch?: string;
  lastHeartbeat?: string;
  heartbeatAge?: string;
  agentVersion?: string;
  labels: Record<string, string>;
}

const condStatus = (m: MemberCluster, type: string): string => m.status?.conditions?.find((c) => c.type === type)?.status ?? 'Unknown';

export function memberRow(m: MemberCluster, now: Date): MemberRow {
  const labels = m.metadata?.labels ?? {};
  const archs = [...new Set((m.status?.nodes ?? []).map((n) => n.arch).filter((a): a is string => !!a))].sort();
  const row: MemberRow = {
    name: m.metadata?.name ?? '',
    accepted: m.spec?.accepted === true,
    joined: condStatus(m, 'Joined'),
    connected: condStatus(m, 'Connected'),
    ready: condStatus(m, 'Ready'),
    labels,
  };
  const set = <K extends keyof MemberRow>(k: K, v: MemberRow[K] | undefined): void => {
    if (v !== undefined && v !== '') row[k] = v;
  };
  set('version', m.status?.kubernetesVersion);
  set('nodes', m.status?.nodeCount);
  set('tier', labels[LABEL_TIER]);
  set('region', labels[LABEL_REGION]);
  set('arch', labels[LABEL_ARCH] ?? (archs.length > 0 ? archs.join(',') : undefined));
  set('lastHeartbeat', m.status?.lastHeartbeat);
  set('heartbeatAge', age(m.status?.lastHeartbeat, now));
  set('agentVersion', m.status?.agentVersion);
  return row;
}

/** The members (optionally by label selector), sorted by name. */
export async function listMembers(client: KubeClient, selector?: string): Promise<MemberRow[]> {
  const list = await client.list<MemberCluster>(RES.memberClusters, selector ? { labelSelector: selector } : {});
  const now = new Date();
  return list.items.map((m) => memberRow(m, now)).sort((a, b) => a.name.localeCompare(b.name));
}

async function getMember(client: KubeClient, name: string): Promise<MemberCluster> {
  try {
    return await client.get<MemberCluster>(RES.memberClusters, name);
  } catch (err) {
    if (isNotFound(err)) throw new PlinthError('FLEET_MEMBER_NOT_FOUND', { name }, { cause: err });
    throw err;
  }
}

async function record(client: KubeClient, m: MemberCluster, reason: string, message: string): Promise<void> {
  const events = new EventRecorder({ client, component: CLI_COMPONENT, api: 'core' });
  events.normal(m, reason, message);
  await events.flush();
}

/** Accept a member (spec.accepted: true): the hub controller then grants its agent access and issues its certificate. */
export async function acceptMember(client: KubeClient, name: string, by: string): Promise<{ name: string; alreadyAccepted: boolean }> {
  const m = await getMember(client, name);
  if (m.spec?.accepted === true) return { name, alreadyAccepted: true };
  const updated = await client.patch<MemberCluster>(RES.memberClusters, name, { spec: { accepted: true } }, 'merge', { fieldManager: FIELD_MANAGER });
  await record(client, updated, 'Accepted', `accepted by ${by}`);
  return { name, alreadyAccepted: false };
}

/**
 * Make a member leave: delete its MemberCluster (owner references remove its namespace, its ClusterDeliveries, its RBAC
 * and its CSR) and wait until the namespace is gone. The member's own cleanup is its agent's.
 */
export async function leaveMember(client: KubeClient, name: string, by: string, opts: { timeoutMs?: number; onProgress?: (msg: string) => void } = {}): Promise<{ name: string; namespace: string }> {
  const m = await getMember(client, name);
  const ns = memberNamespace(name);
  await record(client, m, 'Leaving', `leave requested by ${by}`);
  await client.delete(RES.memberClusters, name, { propagationPolicy: 'Background' }).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  });
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  opts.onProgress?.(`waiting for namespace ${ns} to be removed`);
  for (;;) {
    try {
      await client.get(RES.namespaces, ns);
    } catch (err) {
      if (isNotFound(err)) return { name, namespace: ns };
      throw err;
    }
    if (Date.now() > deadline) throw new PlinthError('FLEET_LEAVE_TIMEOUT', { name, namespace: ns, seconds: String(Math.round(timeoutMs / 1000)) });
    await sleep(500);
  }
}
