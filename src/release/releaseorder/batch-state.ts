import type { V1Pod } from '@kubernetes/client-node';
import { gateStatus, isDeleting, isDraining, isReady, podName, podRevision, podUnit } from '../pod/state.js';

/** A pod finished its change: on the revision, Ready, gate True, not draining, not being deleted. */
export function podDone(pod: V1Pod, revision: string): boolean {
  return !isDeleting(pod) && podRevision(pod) === revision && isReady(pod) && gateStatus(pod) === 'True' && !isDraining(pod);
}

/** Every unit has at least its target count of live pods: no recreate (or other replacement) is pending. */
export function unitsFull(pods: readonly V1Pod[], targets: ReadonlyMap<string, number>): boolean {
  const live = new Map<string, number>();
  for (const p of pods) if (!isDeleting(p)) live.set(podUnit(p), (live.get(podUnit(p)) ?? 0) + 1);
  for (const [unit, n] of targets) if ((live.get(unit) ?? 0) < n) return false;
  return true;
}

export interface BatchState {
  /** Every pod of the batch is done, or gone with no replacement pending. */
  done: boolean;
  /** Pods of the batch that are done. */
  updated: number;
  /** Pods of the batch still changing (present and not done), by name. */
  pending: string[];
}

/**
 * Pure: how far a batch is towards `revision`. A recreated pod keeps its name, so a batch pod that is gone is
 * either being recreated (a unit lacks a pod: not done yet) or was scaled away (done).
 */
export function batchState(names: readonly string[], pods: readonly V1Pod[], revision: string, targets: ReadonlyMap<string, number>): BatchState {
  const byName = new Map(pods.map((p) => [podName(p), p]));
  const pending: string[] = [];
  let updated = 0;
  let gone = 0;
  for (const name of names) {
    const p = byName.get(name);
    if (!p) gone++;
    else if (podDone(p, revision)) updated++;
    else pending.push(name);
  }
  const done = pending.length === 0 && (gone === 0 || unitsFull(pods, targets));
  return { done, updated, pending };
}
