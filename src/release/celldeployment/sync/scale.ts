import type { V1Pod } from '@kubernetes/client-node';
import { isAlreadyExists } from '../../../kube/api-error.js';
import { podName, podUnit } from '../../pod/state.js';
import { buildPod, newPodName } from '../pod-template.js';
import { describeError, emptyResult, type SyncContext, type SyncResult, type SyncStep } from './context.js';
import { createPod, deletePod } from './pod-writes.js';
import { planScaling } from './scale-plan.js';

/** Writes in flight at once when scaling (creations and deletions). */
const PARALLEL = 16;
/** Pods created per reconcile at most (ReplicaSet's slow start in spirit: a broken template fails fast). */
const MAX_CREATE = 500;

/**
 * The scale step: brings every unit to its target count. New pods are made at the release's target revision
 * (the update revision, or the from revision while rolling back). Deleted pods keep the finalizer; the
 * finalize step drains and releases them. Expectations make the next reconcile wait until the cache shows
 * the creations and deletions.
 */
export const scaleStep: SyncStep = {
  name: 'scale',
  async sync(ctx: SyncContext): Promise<SyncResult> {
    const out = emptyResult();
    if (ctx.cd.metadata.deletionTimestamp) return out;
    const scaling = planScaling(ctx.pods, ctx.targets, ctx.view.target, ctx.view.active);
    const creations = scaling.create.slice(0, MAX_CREATE);
    if (creations.length > 0) {
      const template = ctx.revisions.template(ctx.view.target);
      if (!template) {
        out.waiting.push(`cannot create pods: the template of revision ${ctx.view.target} is not stored (its ControllerRevision is gone)`);
      } else {
        ctx.expectations.expectCreations(ctx.key, creations.length);
        const made = new Map<string, number>();
        await pool(creations, PARALLEL, async (c) => {
          const pod = buildPod(ctx.cd, { name: c.reuseName ?? newPodName(ctx.cd.metadata.name ?? ''), unit: c.unit, revision: ctx.view.target, template });
          try {
            await createWithRetry(ctx, pod);
            made.set(c.unit, (made.get(c.unit) ?? 0) + 1);
            out.changed = true;
          } catch (err) {
            ctx.expectations.creationObserved(ctx.key);
            out.failures.push(`create pod in unit ${c.unit}: ${describeError(err)}`);
          }
        });
        if (made.size > 0) {
          const what = [...made].map(([u, n]) => `${n} in ${u}`).join(', ');
          ctx.events.normal(ctx.cd, 'SuccessfulCreate', `created pods at revision ${ctx.view.target}: ${what}`);
        }
      }
    }
    if (scaling.delete.length > 0) {
      const uids = scaling.delete.map((p) => p.metadata?.uid).filter((u): u is string => u !== undefined);
      ctx.expectations.expectDeletions(ctx.key, uids);
      const names: string[] = [];
      await pool(scaling.delete, PARALLEL, async (pod) => {
        try {
          const gone = await deletePod(ctx.client, pod, ctx.signal);
          if (!gone && pod.metadata?.uid) ctx.expectations.deletionObserved(ctx.key, pod.metadata.uid);
          names.push(`${podName(pod)} (${podUnit(pod) || 'no unit'})`);
          out.changed = true;
        } catch (err) {
          if (pod.metadata?.uid) ctx.expectations.deletionObserved(ctx.key, pod.metadata.uid);
          out.failures.push(`delete pod ${podName(pod)}: ${describeError(err)}`);
        }
      });
      if (names.length > 0) ctx.events.normal(ctx.cd, 'SuccessfulDelete', `deleting pods (drained before they go): ${names.sort().join(', ')}`);
    }
    return out;
  },
};

/** A fresh random name may collide; try another. A reused name that still exists is retried next reconcile. */
async function createWithRetry(ctx: SyncContext, pod: V1Pod): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await createPod(ctx.client, pod, ctx.signal);
      return;
    } catch (err) {
      const fresh = !ctx.view.active.has(pod.metadata?.name ?? '');
      if (!isAlreadyExists(err) || !fresh || attempt >= 3) throw err;
      pod.metadata = { ...pod.metadata, name: newPodName(ctx.cd.metadata.name ?? '') };
    }
  }
}

async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}
