import type { V1Pod } from '@kubernetes/client-node';
import { compareStrings } from '../../plan/index.js';
import { containersReadyOnSpec, gateStatus, heldBy, isAvailable, isDeleting, isDraining, podName, podRevision, podUnit } from '../../pod/state.js';
import type { ReleaseView } from '../../view.js';
import { drainState } from './drain.js';

/** One write the update step makes to a pod. */
export type PodAction =
  /** Gate False + drain annotation: the pod leaves traffic. */
  | { kind: 'drain'; pod: V1Pod }
  /** Drained and out of every EndpointSlice for drainSeconds: change it (in place, or recreate). */
  | { kind: 'change'; pod: V1Pod }
  /** Its containers run the spec's images and are ready: gate True, back in traffic. */
  | { kind: 'admit'; pod: V1Pod };

export interface UpdateInput {
  pods: readonly V1Pod[];
  view: Pick<ReleaseView, 'active' | 'target' | 'paused'>;
  /** Pods per unit (unitTargets). */
  targets: ReadonlyMap<string, number>;
  inTraffic: (pod: V1Pod) => boolean;
  drainSeconds: number;
  now: Date;
  /** Pods the scale step is taking away: neither changed nor admitted. */
  leaving?: ReadonlySet<string>;
  /** At most this many pods of the active set draining at once (Infinity: the whole batch). */
  maxDraining: number;
}

export interface UpdatePlan {
  actions: PodAction[];
  /** The earliest drain timer to come back for. */
  waitMs: number | undefined;
  /** Why pods wait, one line per reason. */
  waiting: string[];
}

/**
 * Pure: what to do with each pod now. Pods in `view.active` not on `view.target` go through the lossless
 * sequence (drain → change → admit); every other pod whose containers are ready but which is out of traffic
 * (new pods, pods whose change finished, pods of a superseded batch) is admitted.
 *
 * Capacity guard: a serving pod of unit U is drained only if afterwards
 * `available(U) >= target(U) - activeIn(U)`, where available counts pods that are Ready, gate True, not
 * draining and not deleting, and activeIn counts the active pods present in U. So the ready pods of a unit
 * never fall below its target minus its pods in the current batch, whatever else is broken in it.
 * `paused` stops pods from starting; pods already draining finish their change.
 */
export function planUpdates(input: UpdateInput): UpdatePlan {
  const { view } = input;
  const live = input.pods.filter((p) => !isDeleting(p) && !input.leaving?.has(podName(p))).sort((a, b) => compareStrings(podName(a), podName(b)));
  const available = new Map<string, number>();
  const activeIn = new Map<string, number>();
  let draining = 0;
  for (const p of input.pods) {
    const unit = podUnit(p);
    if (view.active.has(podName(p))) activeIn.set(unit, (activeIn.get(unit) ?? 0) + 1);
    if (isAvailable(p)) available.set(unit, (available.get(unit) ?? 0) + 1);
    if (view.active.has(podName(p)) && isDraining(p) && !isDeleting(p)) draining++;
  }

  const plan: UpdatePlan = { actions: [], waitMs: undefined, waiting: [] };
  const waitFor = (ms: number | undefined): void => {
    if (ms !== undefined) plan.waitMs = Math.min(plan.waitMs ?? Infinity, ms);
  };
  const blocked = new Map<string, number>();
  let pausedPods = 0;

  for (const pod of live) {
    const needsChange = view.active.has(podName(pod)) && podRevision(pod) !== view.target;
    if (!needsChange) {
      // A pod held by another controller (a SidecarSet upgrade) is put back by that controller.
      if ((gateStatus(pod) !== 'True' || isDraining(pod)) && containersReadyOnSpec(pod) && heldBy(pod) === undefined) plan.actions.push({ kind: 'admit', pod });
      continue;
    }
    const state = drainState(pod, input.inTraffic(pod), input.drainSeconds, input.now);
    if (state.step === 'wait') {
      waitFor(state.ms);
      continue;
    }
    const started = isDraining(pod);
    if (!started && view.paused) {
      pausedPods++;
      continue;
    }
    if (state.step === 'drained') {
      plan.actions.push({ kind: 'change', pod });
      continue;
    }
    // state.step === 'start'
    const unit = podUnit(pod);
    if (!started && isAvailable(pod)) {
      const avail = available.get(unit) ?? 0;
      const floor = (input.targets.get(unit) ?? 0) - (activeIn.get(unit) ?? 0);
      if (avail - 1 < floor || draining >= input.maxDraining) {
        blocked.set(unit, (blocked.get(unit) ?? 0) + 1);
        continue;
      }
      available.set(unit, avail - 1);
    }
    if (!started) draining++;
    plan.actions.push({ kind: 'drain', pod });
  }
  if (pausedPods > 0) plan.waiting.push(`paused: ${pausedPods} pod(s) of the current batch wait for resume`);
  for (const [unit, n] of blocked) {
    plan.waiting.push(`unit ${unit || '(none)'}: ${n} pod(s) wait for capacity (too few available pods to take one more out of traffic)`);
  }
  return plan;
}
