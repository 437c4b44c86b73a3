import type { V1Pod } from '@kubernetes/client-node';
import { drainStartedAt, gateStatus, isDeleting, isDraining, isReady, readyFalseSince, readySinceAtDrain } from './state.js';

/**
 * How long a pod must have been not Ready before an EndpointSlice that lists it as not ready is believed,
 * when the pod turned Ready only shortly before its drain. The EndpointSlice controller can lag the pod: such
 * a pod may still be listed not ready from its earlier state, then briefly ready, then not ready for good.
 * The slice is trusted once it had this long to catch up with the pod's Ready=False (the condition's
 * lastTransitionTime has whole seconds, so the wait is 1-2 s after Ready went False).
 */
export const TRAFFIC_SETTLE_MS = 1000;

/**
 * A pod that had been Ready for this long when its drain began was listed as ready by the EndpointSlices (and
 * seen so by this controller) before the drain: a "not ready" listing after that was written after the ready
 * one, from the pod's state after the drain, so it is believed at once. This is the usual case (a release
 * drains pods that served for a while) and saves the settle time on every batch.
 */
export const SERVING_SETTLE_MS = 5000;

/** Where a pod stands in the drain sequence (gate False → out of every EndpointSlice and drainSeconds passed). */
export type DrainState =
  /** Serving (or may be): the gate must go False first. */
  | { step: 'start' }
  /** Drain started; waiting until no EndpointSlice lists it as ready or serving, and the drain time passed. */
  | { step: 'wait'; ms: number | undefined; why: string }
  /** Out of traffic for at least drainSeconds: it may be changed, deleted or released. */
  | { step: 'drained' };

/**
 * Pure: the drain state of a pod. `inTraffic` is what the EndpointSlices say. The timer starts at the drain
 * annotation (written with the gate False), so a restarted controller continues the same timer.
 *
 * A pod that was never in traffic (no gate True, not Ready, in no EndpointSlice) and was not drained counts as
 * drained at once: there is nothing to drain (e.g. a pod still Pending).
 */
export function drainState(pod: V1Pod, inTraffic: boolean, drainSeconds: number, now: Date): DrainState {
  const started = drainStartedAt(pod);
  if (!isDraining(pod) || started === undefined || gateStatus(pod) !== 'False') {
    const serving = inTraffic || isReady(pod) || gateStatus(pod) === 'True';
    return serving || isDraining(pod) ? { step: 'start' } : { step: 'drained' };
  }
  if (inTraffic) return { step: 'wait', ms: undefined, why: 'an EndpointSlice still lists it as ready or serving' };
  // A pod being deleted is listed as terminating and not ready whatever its Ready condition says.
  if (isReady(pod) && !isDeleting(pod)) return { step: 'wait', ms: undefined, why: 'the kubelet has not applied the gate yet (pod still Ready)' };
  const notReady = readyFalseSince(pod);
  const readySince = readySinceAtDrain(pod);
  // lastTransitionTime is stored in whole seconds: the real transition may be up to 1 s later.
  const servedLong = readySince !== undefined && started - (readySince + 1000) >= SERVING_SETTLE_MS;
  const settled = servedLong || notReady === undefined ? started : notReady + 1000 + TRAFFIC_SETTLE_MS;
  const drainLeft = started + drainSeconds * 1000 - now.getTime();
  const left = Math.max(drainLeft, settled - now.getTime());
  if (left > 0) {
    const why = drainLeft >= left ? `draining for ${Math.ceil(left / 1000)}s more` : 'waiting for the EndpointSlices to settle';
    return { step: 'wait', ms: left, why };
  }
  return { step: 'drained' };
}
