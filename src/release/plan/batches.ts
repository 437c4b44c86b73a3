import { compareStrings } from './pods.js';
import { compareOrderValues } from './priority.js';

/** A pod to place in a batch. */
export interface BatchPod {
  name: string;
  unit: string;
  /** `false`: updated first among pods of equal priority in its unit (it serves no traffic). */
  ready?: boolean;
  /** The user's priority ({@link podPriority}): higher goes first, within and across batches (default 0). */
  priority?: number;
  /** The user's order value ({@link podOrderValue}) among pods of equal priority. */
  order?: string;
}

/** What {@link planBatches} needs; `batchSize` and `replicas` come straight from the CellDeployment spec. */
export interface BatchInput {
  /** The pods to update (those not yet on the target revision). */
  pods: readonly BatchPod[];
  /** spec.topology.units, in order. */
  units: readonly string[];
  /** spec.strategy.beta */
  beta: boolean;
  /** spec.strategy.batchSize: a whole number >= 1 or "N%" of replicas. */
  batchSize: number | string;
  /** spec.replicas, the base of a percent batch size. */
  replicas: number;
  /** spec.strategy.priority.orderDirection (default Ascending). */
  orderDirection?: 'Ascending' | 'Descending';
}

/** One planned batch; ReleaseOrder's BatchStatus adds its phase and times. */
export interface Batch {
  /** 0, 1, 2, ... in the order the batches run. */
  index: number;
  /** Pod names, in the order to update them. */
  pods: string[];
  /** The units the batch touches, in unit order. */
  units: string[];
}

/** The CRD's own rule for a percent batch size. */
const PERCENT = /^([1-9][0-9]?|100)%$/;

/**
 * The number of pods in a (non-beta) batch. A number must be a whole number >= 1. A percent ("25%", 1% to 100%)
 * is taken of `replicas` and rounded up, and is at least 1 (so "1%" of 10 replicas is 1, "100%" is all of them).
 * Throws an Error saying what is wrong for anything else (0, negatives, fractions, "5", "0%", "150%").
 */
export function resolveBatchSize(batchSize: number | string, replicas: number): number {
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw new Error(`replicas must be a whole number >= 0 to size batches, not ${String(replicas)}`);
  }
  if (typeof batchSize === 'number') {
    if (Number.isInteger(batchSize) && batchSize >= 1) return batchSize;
  } else if (typeof batchSize === 'string') {
    const m = PERCENT.exec(batchSize);
    if (m) return Math.max(1, Math.ceil((Number(m[1]) * replicas) / 100));
  }
  throw new Error(`batchSize must be a whole number >= 1 or a percent from 1% to 100%, not ${JSON.stringify(batchSize)}`);
}

/**
 * Splits the pods to update into batches. Every pod is in exactly one batch; the result depends only on the
 * input's content, not its order.
 *
 *  - Within a unit, pods go by priority (higher first), then by the user's order value, then pods that are not
 *    ready before ready ones, then by name.
 *  - Beta: batch 0 holds exactly one pod from every unit that has a pod to update (its first), in unit order.
 *  - The other batches hold `resolveBatchSize(batchSize, replicas)` pods each (the last may hold fewer).
 *    Pods of a higher priority all come before pods of a lower one, across units and batches, and among equal
 *    priorities pods go by order value, across units too. Pods of the same priority and order value are interleaved in proportion to how many each unit has left, so each batch touches units
 *    evenly and takes from a unit at most one pod more than its proportional share: with equal units this is
 *    plain round-robin in unit order (a, b, c, a, b, c, ...); a unit with 9 pods next to one with 3 gives a, a, b, a, ...
 *  - Pods whose unit is not in `units` (or is '') are still planned: their units are taken after the listed
 *    ones, in name order.
 * Throws an Error on a bad batch size (see {@link resolveBatchSize}) or when two pods have the same name.
 * No pods give no batches.
 */
export function planBatches(input: BatchInput): Batch[] {
  const size = resolveBatchSize(input.batchSize, input.replicas);
  const { order, queues } = groupByUnit(input);
  const batches: Batch[] = [];
  const push = (pods: BatchPod[]): void => {
    const touched = new Set(pods.map((p) => p.unit));
    batches.push({ index: batches.length, pods: pods.map((p) => p.name), units: order.filter((u) => touched.has(u)) });
  };
  if (input.beta) {
    const beta = order.map((u) => queues.get(u)?.shift()).filter((p): p is BatchPod => p !== undefined);
    if (beta.length > 0) push(beta);
  }
  const sequence: BatchPod[] = [];
  for (const tier of priorityTiers(queues, input.orderDirection)) sequence.push(...interleave(order, tier));
  for (let i = 0; i < sequence.length; i += size) push(sequence.slice(i, i + size));
  return batches;
}

function groupByUnit(input: BatchInput): { order: string[]; queues: Map<string, BatchPod[]> } {
  const names = new Set<string>();
  const queues = new Map<string, BatchPod[]>();
  for (const pod of input.pods) {
    if (names.has(pod.name)) throw new Error(`pod "${pod.name}" is listed twice; each pod must be planned once`);
    names.add(pod.name);
    const q = queues.get(pod.unit);
    if (q) q.push(pod);
    else queues.set(pod.unit, [pod]);
  }
  const listed = [...new Set(input.units)];
  const known = new Set(listed);
  const unknown = [...queues.keys()].filter((u) => !known.has(u)).sort(compareStrings);
  const order = [...listed, ...unknown].filter((u) => queues.has(u));
  for (const q of queues.values()) q.sort((a, b) => comparePods(a, b, input.orderDirection));
  return { order, queues };
}

function comparePods(a: BatchPod, b: BatchPod, direction: 'Ascending' | 'Descending' | undefined): number {
  const byPriority = (b.priority ?? 0) - (a.priority ?? 0);
  if (byPriority !== 0) return byPriority;
  const byOrder = compareOrderValues(a.order, b.order, direction);
  if (byOrder !== 0) return byOrder;
  if ((a.ready === false) !== (b.ready === false)) return a.ready === false ? -1 : 1;
  return compareStrings(a.name, b.name);
}

/**
 * The units' (sorted) queues split into tiers, first tier first: by priority (highest first), then by order value
 * (the direction given; pods without one last). Each tier maps unit → its pods of that priority and value.
 */
function priorityTiers(queues: ReadonlyMap<string, BatchPod[]>, direction: 'Ascending' | 'Descending' | undefined): Map<string, BatchPod[]>[] {
  const key = (p: BatchPod): string => JSON.stringify([p.priority ?? 0, p.order ?? null]);
  const levels = new Map<string, BatchPod>();
  for (const p of [...queues.values()].flat()) if (!levels.has(key(p))) levels.set(key(p), p);
  const ordered = [...levels.entries()].sort(([, a], [, b]) => (b.priority ?? 0) - (a.priority ?? 0) || compareOrderValues(a.order, b.order, direction));
  return ordered.map(([level]) => {
    const tier = new Map<string, BatchPod[]>();
    for (const [unit, pods] of queues) {
      const mine = pods.filter((p) => key(p) === level);
      if (mine.length > 0) tier.set(unit, mine);
    }
    return tier;
  });
}
/**
 * Merges the units' queues so that unit u's k-th pod (1-based, of n) sits at (2k - 1) / 2n of the sequence:
 * every unit is spread evenly from start to end. Ties go to the unit listed first. Positions are compared as
 * exact fractions.
 */
function interleave(order: readonly string[], queues: ReadonlyMap<string, BatchPod[]>): BatchPod[] {
  const units = order.map((u) => ({ pods: queues.get(u) ?? [], taken: 0 })).filter((s) => s.pods.length > 0);
  const out: BatchPod[] = [];
  for (;;) {
    let best: (typeof units)[number] | undefined;
    for (const s of units) {
      if (s.taken >= s.pods.length) continue;
      // s's next position < best's next position, as (2k-1)/2n fractions with k = taken + 1
      if (!best || (2 * s.taken + 1) * best.pods.length < (2 * best.taken + 1) * s.pods.length) best = s;
    }
    if (!best) return out;
    out.push(best.pods[best.taken]!);
    best.taken += 1;
  }
}

/**
 * For one batch: per unit, how many of the batch's pods are serving traffic now (ready, or readiness unknown)
 * and so leave traffic when the batch starts. Pods already not ready count 0; batch pods missing from `pods`
 * (gone) are ignored. Every unit with a pod of the batch in `pods` is in the map, in the batch's pod order.
 */
export function maxUnavailablePerUnit(batch: Pick<Batch, 'pods'>, pods: readonly BatchPod[]): Map<string, number> {
  const byName = new Map(pods.map((p) => [p.name, p]));
  const out = new Map<string, number>();
  for (const name of batch.pods) {
    const pod = byName.get(name);
    if (!pod) continue;
    out.set(pod.unit, (out.get(pod.unit) ?? 0) + (pod.ready === false ? 0 : 1));
  }
  return out;
}
