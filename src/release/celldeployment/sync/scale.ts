import type { V1Pod } from '@kubernetes/client-node';
import { isAlreadyExists } from '../../../kube/api-error.js';
import { forEachLimit } from '../../../kube/pool.js';
import { podName, podUnit } from '../../pod/state.js';
import { buildPod, newPodName } from '../pod-template.js';
import { emptyResult, expectWritten, type SyncContext, type SyncResult } from './context.js';
import { inTraffic } from '../../pod/endpoints.js';
import { drainState } from './drain.js';
import { TIMER_SLACK_MS } from './finalize.js';
import { createPod, deletePod, drainPod, releaseFinalizer } from './pod-writes.js';
import { planScaling, type Creation } from './scale-plan.js';
import { errorMessage } from '../../../errors/index.js';

/** Writes in flight at once when scaling (creations and deletions). */
const PARALLEL = 16;
/**
 * Pods created per reconcile at most (ReplicaSet's slow start in spirit: a broken template fails fast). Small
 * enough that the reconciles between creations admit the pods already started (admitStep) without waiting
 * for the whole bring-up.
 */
const MAX_CREATE = 100;

/**
 * The scale step: brings every unit to its target count. New pods are made at the release's target revision
 * (the update revision, or the from revision while rolling back); surplus pods are drained, then deleted.
 * Expectations make the next reconcile wait until the cache shows the creations and deletions.
 */
/** The scale step's result: also the pods it is taking away, which the update step leaves alone. */
export interface ScaleResult extends SyncResult {
  leaving: Set<string>;
}

export const scaleStep = {
  name: 'scale' as const,
  async sync(ctx: SyncContext): Promise<ScaleResult> {
    const out: ScaleResult = { ...emptyResult(), leaving: new Set() };
    if (ctx.cd.metadata.deletionTimestamp) return out;
    const scaling = planScaling(ctx.pods, ctx.targets, ctx.view.target, ctx.view.active);
    await createPods(ctx, scaling.create, ctx.view.target, out);
    for (const pod of scaling.delete) out.leaving.add(podName(pod));
    if (scaling.delete.length > 0) await scaleDown(ctx, scaling.delete, out);
    return out;
  },
};

/** Creates pods at `revision` (at most MAX_CREATE per reconcile), in their units, reusing batch pods' names. */
export async function createPods(ctx: SyncContext, wanted: readonly Creation[], revision: string, out: SyncResult): Promise<void> {
  const creations = wanted.slice(0, MAX_CREATE);
  if (creations.length === 0) return;
  const template = ctx.revisions.template(revision);
  if (!template) {
    out.waiting.push(`cannot create pods: the template of revision ${revision} is not stored (its ControllerRevision is gone)`);
    return;
  }
  ctx.expectations.expectCreations(ctx.key, creations.length);
  const made = new Map<string, number>();
  await forEachLimit(creations, PARALLEL, async (c) => {
    const pod = buildPod(ctx.cd, { name: c.reuseName ?? newPodName(ctx.cd.metadata.name ?? ''), unit: c.unit, revision, template });
    try {
      await createWithRetry(ctx, pod);
      made.set(c.unit, (made.get(c.unit) ?? 0) + 1);
      out.changed = true;
    } catch (err) {
      ctx.expectations.creationObserved(ctx.key);
      out.failures.push(`create pod in unit ${c.unit}: ${errorMessage(err)}`);
    }
  });
  if (made.size > 0) {
    const what = [...made].map(([u, n]) => `${n} in ${u}`).join(', ');
    ctx.events.normal(ctx.cd, 'SuccessfulCreate', `created pods at revision ${revision}: ${what}`);
  }
}

/**
 * Scale-down is lossless too: a kubelet stops a pod's containers as soon as it is deleted (the finalizer only
 * keeps the API object), so each leaving pod is drained first — gate False, out of every EndpointSlice,
 * drainSeconds — and only then deleted and released in one go.
 */
export async function scaleDown(ctx: SyncContext, leaving: readonly V1Pod[], out: SyncResult): Promise<void> {
  const deleted: string[] = [];
  let drained = 0;
  await forEachLimit(leaving, PARALLEL, async (pod) => {
    const state = drainState(pod, inTraffic(pod, ctx.slicesOf(pod)), ctx.drainSeconds, ctx.now);
    try {
      if (state.step === 'start') {
        expectWritten(ctx, await drainPod(ctx.client, pod, ctx.now, 'leaving: the CellDeployment scales down', ctx.signal));
        drained++;
        out.changed = true;
        out.requeueAfterMs = Math.min(out.requeueAfterMs ?? Infinity, ctx.drainSeconds * 1000 + TIMER_SLACK_MS);
      } else if (state.step === 'wait') {
        if (state.ms !== undefined) out.requeueAfterMs = Math.min(out.requeueAfterMs ?? Infinity, state.ms + TIMER_SLACK_MS);
      } else {
        const uid = pod.metadata?.uid;
        if (uid) ctx.expectations.expectDeletions(ctx.key, [uid]);
        const gone = await deletePod(ctx.client, pod, ctx.signal);
        if (gone) await releaseFinalizer(ctx.client, gone, ctx.signal);
        else if (uid) ctx.expectations.deletionObserved(ctx.key, uid);
        deleted.push(`${podName(pod)} (${podUnit(pod) || 'no unit'})`);
        out.changed = true;
      }
    } catch (err) {
      out.failures.push(`scale down pod ${podName(pod)}: ${errorMessage(err)}`);
    }
  });
  if (drained > 0) ctx.log.info({ drained }, 'draining pods before scaling down');
  if (deleted.length > 0) ctx.events.normal(ctx.cd, 'SuccessfulDelete', `deleted drained pods: ${deleted.sort().join(', ')}`);
}

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
