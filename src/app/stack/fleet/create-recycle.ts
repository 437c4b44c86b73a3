/**
 * `plinth fleet create NAME --provider local` and `plinth fleet recycle NAME`: a member cluster made and
 * unmade on demand next to a local hub (the seed's 800 create/recycle actions in two months).
 * create: the provider makes the cluster, the membership commands join it, its agent starts.
 * recycle: its ClusterDeliveries on the hub are deleted (its agent stops applying), it leaves (the
 * MemberCluster is deleted: owner references remove its hub namespace and RBAC), its agent stops, and the
 * provider deletes the cluster with its data.
 */
import { FLEET_GROUP, FLEET_VERSION } from '../../../api/fleet/group.js';
import { PlinthError } from '../../../errors/index.js';
import { memberNamespace } from '../../../fleet/names.js';
import { providerFor } from '../../../fleet/provider/registry.js';
import { openClient } from '../../../kube/client.js';
import { isNotFound } from '../../../kube/api-error.js';
import { ref } from '../../../kube/resource.js';
import { findCluster } from '../status.js';
import { cliMemberJoiner, type MemberJoiner } from './join.js';
import { deleteMember, ensureMember, hubCaFile, type HubContext } from './member-lifecycle.js';
import { readFleetRecord, writeFleetRecord, type FleetStackRecord, type StackMember } from './record.js';
import { LOCAL_PROVIDER, membersEtcdName } from '../../../fleet/provider/local.js';
import { defaultStateDir } from '../../../localenv/index.js';

const CLUSTER_DELIVERIES = (ns: string): ReturnType<typeof ref> => ref(`${FLEET_GROUP}/${FLEET_VERSION}`, 'clusterdeliveries', ns);
const MEMBER_CLUSTERS = ref(`${FLEET_GROUP}/${FLEET_VERSION}`, 'memberclusters');

async function localHub(name: string): Promise<HubContext> {
  const c = await findCluster(name);
  if (!c || !c.alive) throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: name });
  return { name: c.name, stateDir: c.stateDir, kubeconfig: c.kubeconfig, server: c.server, caFile: hubCaFile(c.stateDir) };
}

export interface CreateResult {
  name: string;
  provider: string;
  cluster: string;
  kubeconfig: string;
  labels: Record<string, string>;
  joined: boolean;
  agentPid: number;
  seconds: number;
}

/** Create a local member of hub `hubName`, join it, start its agent. FLEET_CLUSTER_EXISTS when the hub has it already. */
export async function createMember(o: {
  name: string;
  provider: string;
  hubName: string;
  kubeVersion: 'old' | 'new';
  labels: Record<string, string>;
  joiner?: MemberJoiner;
  onProgress?: (m: string) => void;
}): Promise<CreateResult> {
  const t0 = Date.now();
  // Only the local provider is implemented; the registry names the known ones for anything else.
  providerFor(o.provider, { hub: o.hubName });
  if (o.provider !== LOCAL_PROVIDER) throw new PlinthError('FLEET_PROVIDER_UNKNOWN', { provider: o.provider, known: LOCAL_PROVIDER });
  const hub = await localHub(o.hubName);
  const rec: FleetStackRecord = (await readFleetRecord(hub.stateDir)) ?? {
    hub: hub.name,
    members: [],
    etcd: { name: membersEtcdName(hub.name), stateDir: defaultStateDir(membersEtcdName(hub.name)) },
  };
  if (rec.members.some((m) => m.name === o.name)) throw new PlinthError('FLEET_CLUSTER_EXISTS', { cluster: o.name, provider: o.provider });
  const e = await ensureMember(hub, { name: o.name, labels: o.labels, kubeVersion: o.kubeVersion, origin: 'create' }, undefined, o.joiner ?? cliMemberJoiner(), o.onProgress ?? (() => undefined));
  const now = (await readFleetRecord(hub.stateDir)) ?? rec;
  now.members = [...now.members.filter((m) => m.name !== o.name), e.member];
  await writeFleetRecord(hub.stateDir, now);
  return {
    name: o.name,
    provider: o.provider,
    cluster: e.member.localName,
    kubeconfig: e.member.kubeconfig,
    labels: e.member.labels,
    joined: e.member.joined,
    agentPid: e.agentPid,
    seconds: (Date.now() - t0) / 1000,
  };
}

export interface RecycleResult {
  name: string;
  deletedDeliveries: number;
  left: boolean;
  seconds: number;
}

/** Delete the member's ClusterDeliveries and its MemberCluster on the hub; returns how many deliveries and whether it was a member. */
async function leaveHub(hub: HubContext, name: string): Promise<{ deliveries: number; left: boolean }> {
  const { client } = await openClient({ kubeconfig: hub.kubeconfig }, { userAgent: 'plinth-cli/fleet-recycle' });
  try {
    let deliveries = 0;
    const ns = memberNamespace(name);
    const list = await client.list(CLUSTER_DELIVERIES(ns)).catch((err: unknown) => {
      if (isNotFound(err)) return { items: [] };
      throw err;
    });
    for (const cd of list.items) {
      await client.delete(CLUSTER_DELIVERIES(ns), cd.metadata!.name!).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
      deliveries++;
    }
    const left = await client.delete(MEMBER_CLUSTERS, name).then(
      () => true,
      (err: unknown) => {
        if (isNotFound(err)) return false;
        throw err;
      },
    );
    return { deliveries, left };
  } finally {
    client.close();
  }
}

/**
 * Recycle a local member: its deliveries and membership on the hub go first (so nothing is delivered to
 * a cluster about to vanish), then its agent and the cluster with its data.
 */
export async function recycleMember(o: { name: string; hubName: string }): Promise<RecycleResult> {
  const t0 = Date.now();
  const hub = await localHub(o.hubName);
  const rec = await readFleetRecord(hub.stateDir);
  const member: StackMember | undefined = rec?.members.find((m) => m.name === o.name);
  if (!rec || !member) {
    throw new PlinthError('FLEET_LOCAL_MEMBER_UNKNOWN', { cluster: o.name, known: rec?.members.map((m) => m.name).join(', ') || 'none' });
  }
  const { deliveries, left } = await leaveHub(hub, o.name);
  await deleteMember(hub.name, member);
  const now = (await readFleetRecord(hub.stateDir)) ?? rec;
  now.members = now.members.filter((m) => m.name !== o.name);
  await writeFleetRecord(hub.stateDir, now);
  return { name: o.name, deletedDeliveries: deliveries, left, seconds: (Date.now() - t0) / 1000 };
}
