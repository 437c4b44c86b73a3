import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/http.js';
import { CORE } from '../../kube/resource.js';
import type { DrainContext, DrainResult } from './drain-context.js';
import { evictOne } from './evict-pod.js';
import { classifyPod, pdbName, pdbsFor } from './pods.js';

export type { DrainContext, DrainResult } from './drain-context.js';

/**
 * Set on a node by the cordon of a run (value: the run's name) and removed by its uncordon. The cordon and
 * the annotation are one patch, so a run resumed after a crash can tell a node its dead predecessor cordoned
 * (the run state may not have been written yet) from one an operator cordoned before the run began.
 */
export const CORDONED_BY = 'upgrade.plinth.dev/cordoned-by';

/** Cordons the node; `run` (when the run's uncordon will undo it) is written as its mark in the same patch. */
export async function cordon(client: KubeClient, node: string, run: string | undefined, signal?: AbortSignal): Promise<void> {
  const mark = run === undefined ? {} : { metadata: { annotations: { [CORDONED_BY]: run } } };
  await client.patch(CORE.nodes, node, { ...mark, spec: { unschedulable: true } }, 'merge', signal ? { signal } : {});
}

export async function uncordon(client: KubeClient, node: string, signal?: AbortSignal): Promise<void> {
  await client.patch(CORE.nodes, node, { metadata: { annotations: { [CORDONED_BY]: null } }, spec: { unschedulable: null } }, 'merge', signal ? { signal } : {});
}

/** The node is cordoned with `run`'s mark: this run (or its crashed self) cordoned it. */
export function cordonedBy(node: V1Node, run: string): boolean {
  return node.spec?.unschedulable === true && node.metadata?.annotations?.[CORDONED_BY] === run;
}

/** The node was cordoned before `run` touched it: by someone else, not by this run (or its crashed self). */
export function cordonedBefore(node: V1Node, run: string): boolean {
  return node.spec?.unschedulable === true && !cordonedBy(node, run);
}

async function podsOnNode(client: KubeClient, node: string, signal: AbortSignal): Promise<V1Pod[]> {
  return (await client.list<V1Pod>(CORE.pods, { fieldSelector: `spec.nodeName=${node}`, signal })).items;
}

/** The pods of a node a drain evicts, with their workloads; or why the node must not be drained (nothing evicted). */
function podsToEvict(pods: readonly V1Pod[], deleteEmptyDirData: boolean): { refused: string } | Array<{ pod: V1Pod; workload?: string }> {
  const todo: { pod: V1Pod; workload?: string }[] = [];
  for (const pod of pods) {
    const v = classifyPod(pod, { deleteEmptyDirData });
    if (v.action === 'refuse') return { refused: v.why };
    if (v.action === 'evict') todo.push({ pod, ...(v.workload ? { workload: v.workload } : {}) });
  }
  return todo;
}

/** What a drain did, over its rounds: the result it reports. */
class DrainTally {
  readonly workloads = new Set<string>();
  readonly blockedBy = new Set<string>();
  readonly evictedFrom: Record<string, number> = {};
  evicted = 0;

  result(message?: string): DrainResult {
    const done = { evicted: this.evicted, workloads: [...this.workloads], evictedFrom: this.evictedFrom, blockedBy: [...this.blockedBy] };
    return message === undefined ? { ok: true, ...done } : { ok: false, message, ...done };
  }

  /** The workloads and PDBs the health gate will wait for. */
  willEvict(ctx: DrainContext, todo: ReadonlyArray<{ pod: V1Pod; workload?: string }>): void {
    for (const t of todo) {
      if (t.workload) this.workloads.add(t.workload);
      for (const b of pdbsFor(t.pod, ctx.world.pdbs.list(), ctx.pdbApi)) this.workloads.add(`PodDisruptionBudget ${pdbName(b)}`);
    }
  }

  /** Counts a round's evictions; returns why the first pod that was neither evicted nor gone failed, if any. */
  count(todo: ReadonlyArray<{ workload?: string }>, outcomes: readonly string[]): string | undefined {
    outcomes.forEach((o, i) => {
      const w = todo[i]!.workload;
      if (o === 'evicted' && w) this.evictedFrom[w] = (this.evictedFrom[w] ?? 0) + 1;
    });
    this.evicted += outcomes.filter((o) => o === 'evicted').length;
    return outcomes.find((o) => o !== 'evicted' && o !== 'gone');
  }
}

/**
 * Evict every pod of a cordoned node through the Eviction API (see evictOne), round after round until no pod
 * to evict is left on it; nothing is ever deleted directly.
 */
export async function drainNode(ctx: DrainContext, node: string, deadline: number): Promise<DrainResult> {
  const tally = new DrainTally();
  for (let round = 0; round < 20; round++) {
    const todo = podsToEvict(await podsOnNode(ctx.client, node, ctx.signal), ctx.deleteEmptyDirData);
    if ('refused' in todo) return tally.result(todo.refused);
    if (todo.length === 0) return tally.result();
    tally.willEvict(ctx, todo);
    const failed = tally.count(todo, await Promise.all(todo.map((t) => evictOne(ctx, node, t.pod, deadline, tally.blockedBy))));
    if (failed !== undefined) return tally.result(failed);
  }
  return tally.result('pods kept coming back to the node after 20 drain rounds');
}
