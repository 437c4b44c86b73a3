import type { V1Pod } from '@kubernetes/client-node';
import { podReady } from './pods.js';
import type { NodeState } from './state.js';
import type { World } from './world.js';

/**
 * Ready pods that have already stood in for an evicted pod of some node, per workload (`Kind ns/name` → pod
 * UIDs). A successor is counted for one evicted pod only, so two nodes that evicted from the same workload
 * each wait for their own replacements.
 */
export class SuccessorLedger {
  private readonly claimed = new Map<string, Set<string>>();

  isClaimed(workload: string, uid: string): boolean {
    return this.claimed.get(workload)?.has(uid) === true;
  }

  claim(workload: string, uids: readonly string[]): void {
    let set = this.claimed.get(workload);
    if (!set) this.claimed.set(workload, (set = new Set()));
    for (const u of uids) set.add(u);
  }
}

/** Ready, unclaimed pods of the workload created at or after `sinceMs` (whole seconds, as the API stores them), oldest first. */
function successors(world: World, uid: string, workload: string, sinceMs: number, ledger: SuccessorLedger): V1Pod[] {
  const since = Math.floor(sinceMs / 1000) * 1000;
  return world
    .podsOwnedBy(uid)
    .map((p) => ({ p, created: new Date(p.metadata?.creationTimestamp ?? 0).getTime() }))
    .filter(({ p, created }) => created >= since && podReady(p) && !ledger.isClaimed(workload, p.metadata?.uid ?? ''))
    .sort((a, b) => a.created - b.created)
    .map(({ p }) => p);
}

/** What the health gate still waits for, and the successors it would claim once nothing is left. */
export interface HealthVerdict {
  waiting: string[];
  claims: Array<{ workload: string; uids: string[] }>;
}

/**
 * The health gate after a node: every workload whose pods were evicted from it has them back, and every
 * PodDisruptionBudget that covered them holds (currentHealthy ≥ desiredHealthy). Entries are
 * `Kind namespace/name`; kinds Plinth cannot count (Jobs, custom controllers) pass.
 *
 * "Back" for a ReplicaSet or StatefulSet: the workload is at its full ready count, or, for each pod evicted
 * from this node, one Ready pod of the workload created since the node's drain began and not already counted
 * for another node (the ledger). The second form matters when many nodes are in flight. Other nodes keep
 * evicting from the same workloads, so a workload of 100 pods with a 10 % budget is rarely at 100/100. A gate
 * that waited for the full count would then hold every node until a lull and make the window a convoy.
 */
export function healthVerdict(world: World, node: Pick<NodeState, 'workloads' | 'evictedFrom' | 'drainStartedAt' | 'startedAt'>, ledger: SuccessorLedger): HealthVerdict {
  const out: HealthVerdict = { waiting: [], claims: [] };
  const since = Date.parse(node.drainStartedAt ?? node.startedAt ?? '');
  for (const e of node.workloads ?? []) {
    const [kind, key] = e.split(' ') as [string, string];
    if (kind === 'ReplicaSet' || kind === 'StatefulSet') {
      const w = kind === 'ReplicaSet' ? world.replicaSets.get(key) : world.statefulSets.get(key);
      if (!w) continue; // deleted meanwhile (e.g. a rollout replaced it)
      const want = w.spec?.replicas ?? 1;
      const ready = w.status?.readyReplicas ?? 0;
      if (ready >= want) continue;
      const need = node.evictedFrom?.[e];
      if (need !== undefined && !Number.isNaN(since) && w.metadata?.uid) {
        const got = successors(world, w.metadata.uid, e, since, ledger);
        if (got.length >= need) {
          out.claims.push({ workload: e, uids: got.slice(0, need).map((p) => p.metadata?.uid ?? '') });
          continue;
        }
        out.waiting.push(`${e} ${got.length}/${need} evicted pod(s) replaced (${ready}/${want} ready)`);
        continue;
      }
      out.waiting.push(`${e} ${ready}/${want} ready`);
    } else if (kind === 'PodDisruptionBudget') {
      const b = world.pdbs.get(key);
      if (!b?.status) continue;
      const cur = b.status.currentHealthy ?? 0;
      const want = b.status.desiredHealthy ?? 0;
      if (cur < want) out.waiting.push(`${e} ${cur}/${want} healthy`);
    }
  }
  return out;
}
