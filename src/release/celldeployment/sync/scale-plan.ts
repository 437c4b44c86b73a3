import type { V1Pod } from '@kubernetes/client-node';
import { compareStrings, podInfo, scalePlan } from '../../plan/index.js';
import { KEYS } from '../../keys.js';
import { isAvailable, isDeleting, podName, podUnit } from '../../pod/state.js';

/** A pod to create: its unit, and the name of the batch pod it recreates (undefined: a fresh name). */
export interface Creation {
  unit: string;
  reuseName: string | undefined;
}

export interface Scaling {
  create: Creation[];
  /** Pods to delete, in order. */
  delete: V1Pod[];
}

/**
 * Pure: what the scale step creates and deletes. `scalePlan` decides per unit; on top of it:
 *  - an active pod (of the batch being changed) that is being deleted is about to be recreated, so its unit
 *    gets no other pod meanwhile (a recreate replaces the pod, it does not add one);
 *  - a unit short of pods first reuses the names of active pods that are gone (a recreate keeps the pod's
 *    name, so the stored batch still names it), in name order, then fresh names.
 * `target` is the revision the pods should end on (the scale-down ranking keeps pods on it).
 * Pods to delete are drained first (by the scale step), so `delete` is the set of pods leaving.
 */
export function planScaling(pods: readonly V1Pod[], targets: ReadonlyMap<string, number>, target: string, active: ReadonlySet<string>): Scaling {
  // Readiness for the ranking is "available": a pod already drained for a scale-down ranks first again on the
  // next reconcile, even before the kubelet turned its Ready condition False, so the same pods stay chosen.
  const infos = pods.map((p) => ({ ...podInfo(p, { unit: KEYS.unit, revision: KEYS.revision }), ready: isAvailable(p) }));
  const plan = scalePlan(infos, targets, target);
  const recreating = new Map<string, number>();
  for (const p of pods) {
    if (isDeleting(p) && active.has(podName(p))) recreating.set(podUnit(p), (recreating.get(podUnit(p)) ?? 0) + 1);
  }
  const present = new Set(pods.map(podName));
  const reusable = [...active].filter((n) => !present.has(n)).sort(compareStrings);
  const create: Creation[] = [];
  for (const [unit, n] of plan.create) {
    const count = Math.max(0, n - (recreating.get(unit) ?? 0));
    for (let i = 0; i < count; i++) create.push({ unit, reuseName: reusable.shift() });
  }
  const byName = new Map(pods.map((p) => [podName(p), p]));
  return { create, delete: plan.delete.map((n) => byName.get(n)).filter((p): p is V1Pod => p !== undefined) };
}
