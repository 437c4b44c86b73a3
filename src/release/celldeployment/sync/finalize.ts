import { hasFinalizer, isDeleting, podName } from '../../pod/state.js';
import { inTraffic } from '../../pod/endpoints.js';
import { emptyResult, expectWritten, type SyncContext, type SyncResult, type SyncStep } from './context.js';
import { drainState } from './drain.js';
import { drainPod, releaseFinalizer } from './pod-writes.js';
import { errorMessage } from '../../../errors/index.js';

/** Slack added to drain timers so the requeue lands after the deadline, not just before it. */
export const TIMER_SLACK_MS = 50;

/**
 * Pods being deleted (scale-down, a recreate, the CellDeployment's deletion, a user's `kubectl delete`) keep
 * the protect finalizer until they were drained like any other pod: gate False, out of every EndpointSlice,
 * drainSeconds passed. Then the finalizer goes and the pod vanishes. Every path ends here, so no pod is left
 * with the finalizer.
 */
export const finalizeStep: SyncStep = {
  name: 'finalize',
  sync: (ctx: SyncContext): Promise<SyncResult> => finalizePods(ctx),
};

/** What finalizing needs: also used for the pods of a CellDeployment that is gone. */
export type FinalizeContext = Pick<SyncContext, 'client' | 'key' | 'pods' | 'slicesOf' | 'drainSeconds' | 'now' | 'signal' | 'expectations' | 'caches'>;

export async function finalizePods(ctx: FinalizeContext): Promise<SyncResult> {
    const out = emptyResult();
    for (const pod of ctx.pods) {
      if (!isDeleting(pod) || !hasFinalizer(pod)) continue;
      const state = drainState(pod, inTraffic(pod, ctx.slicesOf(pod)), ctx.drainSeconds, ctx.now);
      try {
        if (state.step === 'start') {
          expectWritten(ctx, await drainPod(ctx.client, pod, ctx.now, 'pod is being deleted', ctx.signal));
          out.changed = true;
          out.requeueAfterMs = Math.min(out.requeueAfterMs ?? Infinity, ctx.drainSeconds * 1000 + TIMER_SLACK_MS);
        } else if (state.step === 'wait') {
          if (state.ms !== undefined) out.requeueAfterMs = Math.min(out.requeueAfterMs ?? Infinity, state.ms + TIMER_SLACK_MS);
        } else {
          await releaseFinalizer(ctx.client, pod, ctx.signal);
          out.changed = true;
        }
      } catch (err) {
        out.failures.push(`pod ${podName(pod)}: ${errorMessage(err)}`);
      }
    }
    return out;
}
