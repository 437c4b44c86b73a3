import type { V1Pod } from '@kubernetes/client-node';
import type { CellDeployment, ReleaseOrder } from '../api/index.js';
import { compareStrings } from './plan/index.js';
import { isRollingBack, isTerminal, latestOrder } from './orders.js';
import { isDeleting, podName, podRevision } from './pod/state.js';
import { batchBeingRolledBack } from './rollback-batch.js';

/** What the controllers are doing with a CellDeployment's pods right now. */
export type ReleaseMode =
  /** Nothing to change: no order, or the order waits (confirmation, pause between batches) or is finished. */
  | 'none'
  /** Pods of the running batch move to the order's toRevision. */
  | 'forward'
  /** Pods of the latest started batch return to the order's fromRevision. */
  | 'rollback'
  /** After every started batch was rolled back: the remaining pods not on fromRevision return to it. */
  | 'sweep';

/**
 * The shared reading of a CellDeployment's release state. Both controllers compute it from the same objects,
 * so the one that writes pods (CellDeployment) and the one that writes the ReleaseOrder agree without talking.
 */
export interface ReleaseView {
  /** templateHash of spec.template. */
  updateRevision: string;
  /** The newest order of the CellDeployment (it may be for an older revision). */
  latest: ReleaseOrder | undefined;
  /** The newest order when it releases updateRevision; undefined when a new order is due or none is needed. */
  order: ReleaseOrder | undefined;
  /** The revision the pods should end on, and new pods are created at. */
  target: string;
  mode: ReleaseMode;
  /** Names of the pods being changed now (the running batch, the batch being rolled back, or the sweep). */
  active: ReadonlySet<string>;
  /** Index of the batch in `active` (forward and rollback modes). */
  batch: number | undefined;
  /** spec.paused on the CellDeployment or the order: no pod starts changing. */
  paused: boolean;
  /** The revision the CellDeployment stably runs: the starting point of a release in progress. */
  currentRevision: string;
}

/**
 * Builds the view. `orders` are the CellDeployment's orders (any order), `pods` its pods, `updateRevision`
 * the hash of its template.
 */
export function releaseView(cd: CellDeployment, orders: readonly ReleaseOrder[], pods: readonly V1Pod[], updateRevision: string): ReleaseView {
  const latest = latestOrder(orders);
  const order = latest && latest.spec.toRevision === updateRevision ? latest : undefined;
  const paused = cd.spec.paused === true || order?.spec.paused === true;
  const base = { updateRevision, latest, order, paused, currentRevision: currentRevision(latest, pods, updateRevision) };
  if (!order) return { ...base, target: updateRevision, mode: 'none', active: new Set(), batch: undefined };

  const batches = order.status?.batches ?? [];
  if (isRollingBack(order)) {
    const from = order.spec.fromRevision;
    if (order.status?.phase === 'RolledBack') return { ...base, target: from, mode: 'none', active: new Set(), batch: undefined };
    const last = batchBeingRolledBack(batches);
    if (last) return { ...base, target: from, mode: 'rollback', active: new Set(last.pods), batch: last.index };
    const rest = pods.filter((p) => !isDeleting(p) && podRevision(p) !== from).map(podName);
    return { ...base, target: from, mode: 'sweep', active: new Set(rest), batch: undefined };
  }
  if (isTerminal(order)) return { ...base, target: order.spec.toRevision, mode: 'none', active: new Set(), batch: undefined };
  const running = batches.find((b) => b.phase === 'Running');
  if (!running) return { ...base, target: order.spec.toRevision, mode: 'none', active: new Set(), batch: undefined };
  return { ...base, target: order.spec.toRevision, mode: 'forward', active: new Set(running.pods), batch: running.index };
}

/**
 * The revision the CellDeployment stably runs: the fromRevision of a release in progress or rolled back,
 * the toRevision of a completed one; without orders, the revision most live pods run (ties: updateRevision,
 * then the smallest hash), or updateRevision when there are no pods.
 */
export function currentRevision(latest: ReleaseOrder | undefined, pods: readonly V1Pod[], updateRevision: string): string {
  if (latest) {
    if (latest.status?.phase === 'Completed' && latest.spec.rollback !== true) return latest.spec.toRevision;
    return latest.spec.fromRevision || latest.spec.toRevision;
  }
  const counts = new Map<string, number>();
  for (const p of pods) {
    if (isDeleting(p)) continue;
    const r = podRevision(p);
    if (r) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  let best = updateRevision;
  let bestN = counts.get(updateRevision) ?? 0;
  for (const [r, n] of [...counts].sort((a, b) => compareStrings(a[0], b[0]))) {
    if (n > bestN) {
      best = r;
      bestN = n;
    }
  }
  return best;
}

/**
 * Whether the CellDeployment needs a new order: its template changed since the latest order, and some live
 * pod runs another revision, or the latest order is still in progress (it must be superseded).
 */
export function needsOrder(view: ReleaseView, pods: readonly V1Pod[]): boolean {
  if (view.order) return false;
  if (view.latest && !isTerminal(view.latest)) return true;
  return pods.some((p) => !isDeleting(p) && podRevision(p) !== view.updateRevision);
}
