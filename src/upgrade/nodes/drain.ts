import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/http.js';
import { CORE } from '../../kube/resource.js';
import { sleep } from '../../kube/clock.js';
import type { EvictionBudget, EvictionSlots, PdbLanes } from './budget.js';
import { evictPod } from './eviction.js';
import { classifyPod, pdbName, pdbsFor } from './pods.js';
import { until, type World } from './world.js';

export interface DrainContext {
  client: KubeClient;
  world: World;
  evictionApi: string;
  pdbApi: string;
  podTimeoutMs: number;
  deleteEmptyDirData: boolean;
  signal: AbortSignal;
  /** The run's count of disruptions left per PDB, shared by every drain in the window. */
  budget?: EvictionBudget;
  /** The run's limit on eviction requests on the wire at once, shared by every drain. */
  slots?: EvictionSlots;
  /** One eviction on the wire per PDB at once (shared by every drain). */
  lanes?: PdbLanes;
  /** A line worth telling the user (a PDB blocks, a pod would not go, …). */
  event(node: string, message: string): void;
  /** A PodDisruptionBudget blocks an eviction on the node (recorded in the run state at once). */
  blocked?(node: string, pdb: string): void;
}

export type DrainResult =
  | { ok: true; evicted: number; workloads: string[]; evictedFrom: Record<string, number>; blockedBy: string[] }
  | { ok: false; message: string; evicted: number; workloads: string[]; evictedFrom: Record<string, number>; blockedBy: string[] };

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

/**
 * Evict every pod of a cordoned node through the Eviction API. A 429 (a PodDisruptionBudget
 * does not allow the disruption now) is retried with backoff until the pod's or the drain's
 * deadline; nothing is ever deleted directly.
 */
export async function drainNode(ctx: DrainContext, node: string, deadline: number): Promise<DrainResult> {
  const workloads = new Set<string>();
  const blockedBy = new Set<string>();
  const evictedFrom: Record<string, number> = {};
  let evicted = 0;
  const result = (message?: string): DrainResult =>
    message === undefined
      ? { ok: true, evicted, workloads: [...workloads], evictedFrom, blockedBy: [...blockedBy] }
      : { ok: false, message, evicted, workloads: [...workloads], evictedFrom, blockedBy: [...blockedBy] };

  for (let round = 0; round < 20; round++) {
    const pods = await podsOnNode(ctx.client, node, ctx.signal);
    const todo: { pod: V1Pod; workload?: string }[] = [];
    for (const pod of pods) {
      const v = classifyPod(pod, { deleteEmptyDirData: ctx.deleteEmptyDirData });
      if (v.action === 'refuse') return result(v.why);
      if (v.action === 'evict') todo.push({ pod, ...(v.workload ? { workload: v.workload } : {}) });
    }
    if (todo.length === 0) return result();
    for (const t of todo) {
      if (t.workload) workloads.add(t.workload);
      for (const b of pdbsFor(t.pod, ctx.world.pdbs.list(), ctx.pdbApi)) workloads.add(`PodDisruptionBudget ${pdbName(b)}`);
    }
    const outcomes = await Promise.all(todo.map((t) => evictOne(ctx, node, t.pod, deadline, blockedBy)));
    outcomes.forEach((o, i) => {
      const w = todo[i]!.workload;
      if (o === 'evicted' && w) evictedFrom[w] = (evictedFrom[w] ?? 0) + 1;
    });
    evicted += outcomes.filter((o) => o === 'evicted').length;
    const failed = outcomes.find((o) => o !== 'evicted' && o !== 'gone');
    if (failed !== undefined) return result(failed);
  }
  return result('pods kept coming back to the node after 20 drain rounds');
}

/** The shortest wait before a blocked eviction is tried again. */
const MIN_RETRY_MS = 250;

/** How long an eviction waits on a PDB that allows no disruption before the PDB is named as blocking it. */
const BLOCK_NOTICE_MS = 2_000;

/** How long a drain trusts the run's PDB count before it asks the server anyway. */
const PROBE_MS = 30_000;

/** Every PDB named shows disruptionsAllowed > 0 in the cache (a hint when to retry, not a decision). */
function allowsDisruption(ctx: DrainContext, pdbs: readonly string[]): boolean {
  return pdbs.length > 0 && pdbs.every((k) => (ctx.world.pdbs.get(k)?.status?.disruptionsAllowed ?? 0) > 0);
}

/** Evict one pod and wait until it is gone. Returns 'evicted', 'gone' or why it failed. */
async function evictOne(ctx: DrainContext, node: string, pod: V1Pod, drainDeadline: number, blockedBy: Set<string>): Promise<string> {
  const ns = pod.metadata!.namespace!;
  const name = pod.metadata!.name!;
  const uid = pod.metadata!.uid;
  const deadline = Math.min(drainDeadline, Date.now() + ctx.podTimeoutMs);
  const reported = new Set<string>();
  let delay = 500;
  let lastBlock = '';
  const get = (k: string): ReturnType<typeof ctx.world.pdbs.get> => ctx.world.pdbs.get(k);
  /** Records the PDBs that hold the pod back (once each: the run state, the event stream). */
  const report = (pdbs: readonly string[], say: (pdb: string) => string): void => {
    for (const n of pdbs) {
      blockedBy.add(n);
      if (reported.has(n)) continue;
      reported.add(n);
      ctx.blocked?.(node, n);
      ctx.event(node, say(n));
    }
  };
  for (;;) {
    if (ctx.signal.aborted) return 'interrupted';
    if (Date.now() >= deadline) {
      const pdbs = lastBlock ? ` (blocked by PodDisruptionBudget ${[...reported].join(', ') || 'unknown'}: ${lastBlock})` : '';
      return `pod ${ns}/${name} was not evicted within the ${deadline === drainDeadline ? 'drain' : 'pod'} timeout${pdbs}; nothing was forced`;
    }
    // Ask only when the PDBs (as cached, less this run's evictions not yet in the cache) allow it. The PDB watch
    // says when that changes; every PROBE_MS the server is asked anyway, in case the count is off.
    const covering = pdbsFor(pod, ctx.world.pdbs.list(), ctx.pdbApi).map(pdbName);
    if (ctx.budget && covering.length > 0 && !ctx.budget.allows(covering, get)) {
      const allows = (): boolean => ctx.budget!.allows(covering, get);
      const waitUntil = Math.min(deadline, Date.now() + PROBE_MS);
      // A wait of a moment (the run's own evictions of the PDB's pods in flight, a successor about to be Ready)
      // is no block. Past BLOCK_NOTICE_MS, a PDB whose own status allows no disruption is named as blocking.
      if (!(await until(allows, Math.min(waitUntil, Date.now() + BLOCK_NOTICE_MS), ctx.signal, 250))) {
        if (ctx.signal.aborted) return 'interrupted';
        const exhausted = covering.filter((k) => !allowsDisruption(ctx, [k]) && get(k)?.status !== undefined);
        if (exhausted.length > 0) {
          lastBlock = 'no disruption allowed now (status.disruptionsAllowed is 0)';
          report(exhausted, (n) => `eviction of ${ns}/${name} blocked by PodDisruptionBudget ${n}; waiting (it allows no disruption now)`);
        }
        await until(allows, waitUntil, ctx.signal, 250);
      }
      if (ctx.signal.aborted) return 'interrupted';
    }
    let releaseLanes: (() => void) | undefined;
    let releaseSlot: (() => void) | undefined;
    try {
      releaseLanes = await ctx.lanes?.acquire(covering, ctx.signal);
      releaseSlot = await ctx.slots?.acquire(ctx.signal);
    } catch {
      releaseLanes?.();
      return 'interrupted';
    }
    const release = (): void => {
      releaseSlot?.();
      releaseLanes?.();
    };
    // The waits for the PDB's lane and a slot may have used up the PDB's allowance: look again.
    if (ctx.budget && covering.length > 0 && !ctx.budget.allows(covering, get)) {
      release();
      continue;
    }
    const token = ctx.budget?.take(covering);
    const out = await evictPod(ctx.client, ctx.evictionApi, ns, name, uid, ctx.signal)
      .catch((err: unknown) => {
        if (token) ctx.budget?.give(token);
        if (ctx.signal.aborted) return { kind: 'error' as const, message: 'interrupted' };
        throw err;
      })
      .finally(release);
    if (token && out.kind === 'evicted') ctx.budget?.accepted(token, get);
    else if (token) ctx.budget?.give(token);
    if (out.kind === 'gone') return 'gone';
    if (ctx.signal.aborted) return 'interrupted';
    if (out.kind === 'evicted') {
      const gone = await until(() => {
        const p = ctx.world.pod(ns, name);
        return !p || p.metadata?.uid !== uid;
      }, deadline, ctx.signal);
      if (gone) return 'evicted';
      if (ctx.signal.aborted) return 'interrupted';
      return `pod ${ns}/${name} was evicted but did not terminate within the pod timeout; nothing was forced`;
    }
    if (out.kind === 'blocked') {
      lastBlock = out.message;
      report(covering, (n) => `eviction of ${ns}/${name} blocked by PodDisruptionBudget ${n}; waiting (429: ${out.message})`);
      if (covering.length === 0 && !reported.has('?')) {
        reported.add('?');
        ctx.event(node, `eviction of ${ns}/${name} refused with 429: ${out.message}; waiting`);
      }
    } else {
      ctx.event(node, `eviction of ${ns}/${name} failed: ${out.message}; retrying`);
    }
    if (out.kind === 'blocked') {
      // Retry at the end of the backoff, or earlier, once the cache shows that every PDB covering
      // the pod allows a disruption again (the API server still decides; nothing is forced).
      const wake = Math.min(deadline, Date.now() + delay);
      const earliest = Date.now() + MIN_RETRY_MS;
      await until(() => Date.now() >= earliest && allowsDisruption(ctx, covering), wake, ctx.signal, 200);
      if (ctx.signal.aborted) return 'interrupted';
    } else {
      try {
        await sleep(Math.min(delay, Math.max(1, deadline - Date.now())), ctx.signal);
      } catch {
        return 'interrupted';
      }
    }
    delay = Math.min(delay * 2, 5_000);
  }
}
