import type { ReleaseOrder } from '../../../api/index.js';
import { isRollingBack } from '../../orders.js';
import { isDeleting, podName, podRevision } from '../../pod/state.js';
import { isBlueGreen, scaleDownDelaySeconds, switchedAt, switchedBack } from '../../releaseorder/bluegreen.js';
import { emptyResult, type SyncContext } from './context.js';
import { TIMER_SLACK_MS } from './finalize.js';
import { createPods, scaleDown, type ScaleResult } from './scale.js';
import { planScaling } from './scale-plan.js';

const SETTLED = new Set(['Completed', 'RolledBack', 'Superseded', 'Failed']);

/**
 * The order whose blue-green course the CellDeployment controller follows (instead of its scale step): the
 * newest order of a BlueGreen CellDeployment once planned, until it is Completed, RolledBack, Superseded or
 * Failed. Outside a course the usual scale step keeps the one set at its target count.
 */
export function blueGreenCourse(ctx: SyncContext): ReleaseOrder | undefined {
  const o = ctx.view.latest;
  if (!isBlueGreen(ctx.cd) || !o || !o.status?.batches || SETTLED.has(o.status.phase ?? '')) return undefined;
  return o;
}

/**
 * The blue-green step (see src/release/releaseorder/bluegreen.ts for the order's side): forward, once the
 * batch started (the Service is pinned to the blue revision), the green set is brought to every unit's
 * target count beside the blue one; scaleDownDelaySeconds after the switch, the blue set is drained and
 * deleted. Rolling back, the blue set is completed again, and once the Service switched back (or was never
 * moved) the green set is drained and deleted. Each set is scaled on its own (planScaling over its pods), so
 * neither counts toward the other.
 */
export async function blueGreenStep(ctx: SyncContext, order: ReleaseOrder): Promise<ScaleResult> {
  const out: ScaleResult = { ...emptyResult(), leaving: new Set() };
  const from = order.spec.fromRevision;
  const to = order.spec.toRevision;
  const started = order.status?.batches?.[0]?.startedAt !== undefined;
  const keep = async (revision: string): Promise<void> => {
    const set = ctx.pods.filter((p) => podRevision(p) === revision);
    const scaling = planScaling(set, ctx.targets, revision, new Set());
    await createPods(ctx, scaling.create, revision, out);
    await remove(scaling.delete.map(podName));
  };
  const remove = async (names: readonly string[]): Promise<void> => {
    const wanted = new Set(names);
    const pods = ctx.pods.filter((p) => wanted.has(podName(p)) && !isDeleting(p));
    for (const p of pods) out.leaving.add(podName(p));
    if (pods.length > 0) await scaleDown(ctx, pods, out);
  };
  const all = (revision: string): string[] => ctx.pods.filter((p) => podRevision(p) === revision).map(podName);

  if (!isRollingBack(order)) {
    if (!started) return out;
    await keep(to);
    const at = switchedAt(order);
    if (at === undefined) return out;
    const removeAt = at + scaleDownDelaySeconds(ctx.cd) * 1000;
    if (ctx.now.getTime() >= removeAt) await remove(all(from));
    else out.requeueAfterMs = Math.min(out.requeueAfterMs ?? Infinity, removeAt - ctx.now.getTime() + TIMER_SLACK_MS);
    return out;
  }
  await keep(from);
  if (!started || switchedBack(order)) await remove(all(to));
  return out;
}
