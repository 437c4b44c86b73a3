import type { V1Pod } from '@kubernetes/client-node';
import { drainStartedAt, gateStatus, isDraining, isReady } from '../../pod/state.js';

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
  const left = started + drainSeconds * 1000 - now.getTime();
  if (left > 0) return { step: 'wait', ms: left, why: `draining for ${Math.ceil(left / 1000)}s more` };
  return { step: 'drained' };
}
