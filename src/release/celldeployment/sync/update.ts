import type { V1Pod } from '@kubernetes/client-node';
import { inPlaceChange, resolveBatchSize, type ImageChange } from '../../plan/index.js';
import { inTraffic } from '../../pod/endpoints.js';
import { podName, podRevision } from '../../pod/state.js';
import { emptyResult, expectWritten, type SyncContext, type SyncResult, type SyncStep } from './context.js';
import { TIMER_SLACK_MS } from './finalize.js';
import { admitPod, deletePod, drainPod, patchImages, releaseFinalizer } from './pod-writes.js';
import { planUpdates, type PodAction } from './update-plan.js';
import { errorMessage } from '../../../errors/index.js';

/** How a drained pod is changed to the target revision. */
export type ChangeHow = { how: 'inPlace'; images: ImageChange[] } | { how: 'recreate'; reason: string };

/**
 * In place when the strategy allows it and the two revisions' templates differ only in container images
 * (inPlaceChange); otherwise recreate. A revision whose template is not known any more is recreated.
 */
export function changeHow(ctx: SyncContext, pod: V1Pod): ChangeHow {
  if (ctx.cd.spec.strategy?.type === 'Recreate') return { how: 'recreate', reason: 'strategy.type is Recreate' };
  const from = ctx.revisions.template(podRevision(pod));
  const to = ctx.revisions.template(ctx.view.target);
  if (!from || !to) return { how: 'recreate', reason: `the template of revision ${from ? ctx.view.target : podRevision(pod) || '(none)'} is not stored` };
  const r = inPlaceChange(from, to);
  return r.inPlace ? { how: 'inPlace', images: r.images } : { how: 'recreate', reason: r.reason };
}

/**
 * The update step: takes the pods of the running batch (or the batch being rolled back) through the lossless
 * sequence, one write per pod per stage, and admits pods whose change finished. A recreated pod is deleted and
 * released here (it is drained already); the scale step creates its successor, with the same name, in a unit
 * that lacks a pod.
 */
export const updateStep: SyncStep = {
  name: 'update',
  sync: (ctx: SyncContext): Promise<SyncResult> => runUpdate(ctx, false),
};

/**
 * Only the admissions of the update step, for a reconcile whose scale step wrote: drains and changes wait for
 * the next reconcile, which sees the pods the scale step created or deleted, but a started pod that is out of
 * traffic (a new pod, a finished change) is admitted now. Admitting never takes a pod out of traffic, and
 * without it a bring-up admitted no pod until the last creation was in the cache.
 */
export const admitStep: SyncStep = {
  name: 'admit',
  sync: (ctx: SyncContext): Promise<SyncResult> => runUpdate(ctx, true),
};

async function runUpdate(ctx: SyncContext, admitOnly: boolean): Promise<SyncResult> {
  const out = emptyResult();
  const maxDraining = ctx.view.mode === 'sweep' ? sweepLimit(ctx) : Infinity;
  const plan = planUpdates({
    pods: ctx.pods,
    view: ctx.view,
    targets: ctx.targets,
    inTraffic: (p) => inTraffic(p, ctx.slicesOf(p)),
    drainSeconds: ctx.drainSeconds,
    now: ctx.now,
    leaving: ctx.leaving,
    maxDraining,
  });
  const actions = admitOnly ? plan.actions.filter((a) => a.kind === 'admit') : plan.actions;
  if (!admitOnly) {
    out.waiting.push(...plan.waiting);
    if (plan.waitMs !== undefined) out.requeueAfterMs = plan.waitMs + TIMER_SLACK_MS;
  }
  const counts = { drain: 0, inPlace: 0, recreate: 0, admit: 0 };
  await Promise.all(
    actions.map(async (a) => {
      try {
        await act(ctx, a, counts);
        out.changed = true;
      } catch (err) {
        out.failures.push(`pod ${podName(a.pod)}: ${a.kind} failed: ${errorMessage(err)}`);
      }
    }),
  );
  if (counts.drain > 0) out.requeueAfterMs = Math.min(out.requeueAfterMs ?? Infinity, ctx.drainSeconds * 1000 + TIMER_SLACK_MS);
  if (counts.drain + counts.inPlace + counts.recreate > 0) {
    ctx.log.info({ ...counts, target: ctx.view.target, batch: ctx.view.batch, mode: ctx.view.mode }, 'update step');
  }
  return out;
}

async function act(ctx: SyncContext, a: PodAction, counts: Record<'drain' | 'inPlace' | 'recreate' | 'admit', number>): Promise<void> {
  switch (a.kind) {
    case 'drain': {
      const why = `taken out of traffic to move to revision ${ctx.view.target}`;
      expectWritten(ctx, await drainPod(ctx.client, a.pod, ctx.now, why, ctx.signal));
      counts.drain++;
      return;
    }
    case 'admit':
      expectWritten(ctx, await admitPod(ctx.client, a.pod, ctx.now, ctx.signal));
      counts.admit++;
      return;
    case 'change': {
      const how = changeHow(ctx, a.pod);
      if (how.how === 'inPlace') {
        expectWritten(ctx, await patchImages(ctx.client, a.pod, how.images, ctx.view.target, ctx.signal));
        counts.inPlace++;
        return;
      }
      const uid = a.pod.metadata?.uid;
      if (uid) ctx.expectations.expectDeletions(ctx.key, [uid]);
      const deleted = await deletePod(ctx.client, a.pod, ctx.signal);
      if (deleted) await releaseFinalizer(ctx.client, deleted, ctx.signal);
      else if (uid) ctx.expectations.deletionObserved(ctx.key, uid);
      ctx.log.info({ pod: podName(a.pod), reason: how.reason }, 'recreating pod');
      counts.recreate++;
      return;
    }
  }
}

/** The sweep after a rollback moves at most one batch's worth of pods at a time. */
function sweepLimit(ctx: SyncContext): number {
  try {
    return resolveBatchSize(ctx.cd.spec.strategy?.batchSize ?? 1, ctx.cd.spec.replicas);
  } catch {
    return 1;
  }
}
