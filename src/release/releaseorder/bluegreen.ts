import type { V1Pod } from '@kubernetes/client-node';
import type { CellDeployment, ReleaseOrder } from '../../api/index.js';
import { isDeleting, podName, podRevision, podUnit } from '../pod/state.js';
import { podDone } from './batch-state.js';

/**
 * Blue-green release (strategy.type BlueGreen), the order's side. The order has one batch: the blue pods (on
 * fromRevision) that a full green set (on toRevision) replaces. Its course:
 *   pin     before the batch starts, the active Service's selector gains the revision label = fromRevision, so
 *           the green pods get no traffic from it while they come up;
 *   Running the CellDeployment controller creates the green set beside the blue one (the blue one serves);
 *   checks  once every unit has its target count of green pods in service, the after-batch checks run
 *           (release policies' post-checks: they see the green set, e.g. through strategy.blueGreen.previewService);
 *   switch  the Service's selector moves to toRevision in one patch; the batch Succeeded at that moment;
 *   delay   the blue set stays for scaleDownDelaySeconds (an instant switch back), then the CellDeployment
 *           controller drains and deletes it; the order is Completed when no blue pod is left.
 * Rollback: the blue set is completed again (if it was already removed), the Service switches back
 * (`switchBack`, history SwitchedBack), the green set is drained and deleted, the order is RolledBack.
 */

export function isBlueGreen(cd: CellDeployment): boolean {
  return cd.spec.strategy?.type === 'BlueGreen';
}

/**
 * The pods a batch is judged on while it runs (the Pending timeout of the post-checks): the batch's planned
 * pods, or for a blue-green release the green set, i.e. every pod on toRevision that is not being deleted (its
 * pods are new, so the plan, which lists the blue pods they replace, cannot name them).
 */
export function podsUnderChange(cd: CellDeployment, order: ReleaseOrder, batchPods: readonly string[], pods: readonly V1Pod[]): string[] {
  if (!isBlueGreen(cd)) return [...batchPods];
  return pods.filter((p) => podRevision(p) === order.spec.toRevision && !isDeleting(p)).map(podName);
}

/** Seconds the old set stays after the switch. */
export function scaleDownDelaySeconds(cd: CellDeployment): number {
  return cd.spec.strategy?.blueGreen?.scaleDownDelaySeconds ?? 30;
}

/** Every unit has at least its target count of pods on `revision` that are Ready, gate True and not draining. */
export function setComplete(pods: readonly V1Pod[], revision: string, targets: ReadonlyMap<string, number>): boolean {
  const done = new Map<string, number>();
  for (const p of pods) if (podDone(p, revision)) done.set(podUnit(p), (done.get(podUnit(p)) ?? 0) + 1);
  for (const [unit, n] of targets) if ((done.get(unit) ?? 0) < n) return false;
  return true;
}

/** The moment the Service was switched to toRevision (ms), from the batch's finishedAt; undefined before. */
export function switchedAt(order: ReleaseOrder): number | undefined {
  const b = order.status?.batches?.[0];
  if (b?.phase !== 'Succeeded' || !b.finishedAt) return undefined;
  const t = Date.parse(b.finishedAt);
  return Number.isNaN(t) ? undefined : t;
}

/** The rollback has switched the Service back to fromRevision (history SwitchedBack). */
export function switchedBack(order: ReleaseOrder): boolean {
  return (order.status?.history ?? []).some((h) => h.action === 'SwitchedBack');
}
