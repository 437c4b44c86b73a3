// Folding the agent's ClusterDelivery status writes: a revision costs the hub one status write when it is
// applied and becomes healthy soon (not one for "applied, progressing" and another for "healthy").
import type { ClusterDeliveryStatusT } from '../../api/fleet/clusterdelivery.js';
import type { Health } from './health.js';
import type { AgentRecord } from './record.js';

/** How long after an apply the first status write waits for the rollout to settle (then it reports Progressing). */
export const HEALTH_HOLD_MS = 10_000;
/** How often health is checked again while the write is held (changes of the applied objects re-check it at once too). */
export const HOLD_POLL_MS = 500;

export interface HoldInput {
  /** The status on the hub now. */
  prev: ClusterDeliveryStatusT | undefined;
  record: AgentRecord | undefined;
  health: Health | undefined;
  /** Anything to report at once: an error, a lower sequence ignored, a suspension. */
  urgent: boolean;
  now: number;
  holdMs?: number;
}

/**
 * True when the status write of a freshly applied sequence should wait: the hub does not show that sequence
 * applied yet, the objects are still rolling out and the apply is younger than HEALTH_HOLD_MS. The write that
 * follows carries both "applied" and "healthy". A rollout that takes longer is reported Progressing once the
 * hold ends (the hub then learns the apply went through) and Healthy when it settles: two writes.
 */
export function holdStatusWrite(x: HoldInput): boolean {
  const r = x.record;
  if (x.urgent || r?.phase !== 'Applied' || r.appliedSequence === undefined || r.failures?.length) return false;
  if (x.prev?.appliedSequence === r.appliedSequence && x.prev.appliedDigest === r.appliedDigest) return false;
  if (x.health !== 'Progressing') return false;
  const at = r.appliedAt ? Date.parse(r.appliedAt) : NaN;
  // appliedAt has second precision: the hold may end up to a second late.
  return Number.isFinite(at) && x.now - at < (x.holdMs ?? HEALTH_HOLD_MS);
}
