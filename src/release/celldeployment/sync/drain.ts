import type { V1Pod } from '@kubernetes/client-node';
import { drainStartedAt, gateStatus, isDeleting, isDraining, isReady, readyFalseSince } from '../../pod/state.js';

/**
 * How long a pod must have been not Ready before an EndpointSlice that lists it as not ready is believed.
 * The EndpointSlice controller can lag the pod: a pod that turned Ready shortly before its gate went False
 * may still be listed not ready from its earlier state, then briefly ready, then not ready for good. The
 * slice is trusted once it had this long to catch up with the pod's Ready=False (the condition's
 * lastTransitionTime has whole seconds, so the wait is 1-2 s after the kubelet applied the gate).
 */
export const TRAFFIC_SETTLE_MS = 1000;

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
  // lastTransitionTime is stored in whole seconds: the real transition may be up to 1 s later.
  const settled = notReady === undefined ? started : notReady + 1000 + TRAFFIC_SETTLE_MS;
  const drainLeft = started + drainSeconds * 1000 - now.getTime();
  const left = Math.max(drainLeft, settled - now.getTime());
  if (left > 0) {
    const why = drainLeft >= left ? `draining for ${Math.ceil(left / 1000)}s more` : 'waiting for the EndpointSlices to settle';
    return { step: 'wait', ms: left, why };
  }
  return { step: 'drained' };
}
