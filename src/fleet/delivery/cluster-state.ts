import type { ClusterDeliveryView, MemberView } from './types.js';
import { sameDesiredState, type DesiredContent } from './desired.js';

/** Where one placed cluster stands against the desired state. */
export interface ClusterState {
  cluster: string;
  /** Its ClusterDelivery carries the desired state (it has been moved). */
  atTarget: boolean;
  /** Moved, and its agent applied that sequence. */
  applied: boolean;
  /** Applied and Healthy: done. */
  healthy: boolean;
  /** Failed: Degraded or failures reported for the desired state, or disconnected past the deadline and not done. */
  failed: boolean;
  /** Connected=False on its MemberCluster. */
  disconnected: boolean;
  /** Why it failed (for status.failing). */
  message?: string;
  /** When a disconnected, not yet failed cluster crosses the deadline (ms since epoch). */
  deadlineAt?: number;
}

/**
 * Pure: classifies one cluster. Failures an agent reports count only when they are about the current spec
 * (status.observedGeneration, when the agent writes it, equals the ClusterDelivery's generation).
 */
export function clusterState(name: string, member: MemberView | undefined, cd: ClusterDeliveryView | undefined, want: DesiredContent | undefined, deadlineSeconds: number, now: Date): ClusterState {
  const atTarget = !!cd && !!want && sameDesiredState(cd.spec, want);
  const st = cd?.status;
  const applied = atTarget && (st?.appliedSequence ?? -1) >= cd.spec.sequence;
  const healthy = applied && st?.health === 'Healthy';
  const current = st?.observedGeneration === undefined || cd?.generation === undefined || st.observedGeneration === cd.generation;
  let failed = false;
  let message: string | undefined;
  if (atTarget && !healthy && current) {
    const f = st?.failures?.[0];
    if (f) {
      failed = true;
      message = `${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name}: ${f.message}`;
    } else if (applied && st?.health === 'Degraded') {
      failed = true;
      message = 'health Degraded';
    }
  }
  const disconnected = member?.connected?.status === 'False';
  let deadlineAt: number | undefined;
  if (disconnected && !healthy) {
    const since = Date.parse(member?.connected?.since ?? '');
    const at = (Number.isNaN(since) ? now.getTime() : since) + deadlineSeconds * 1000;
    if (at <= now.getTime()) {
      if (!failed) message = `disconnected since ${member?.connected?.since ?? 'unknown'} (deadline ${deadlineSeconds}s)`;
      failed = true;
    } else deadlineAt = at;
  }
  return { cluster: name, atTarget, applied, healthy, failed, disconnected, ...(message !== undefined ? { message } : {}), ...(deadlineAt !== undefined ? { deadlineAt } : {}) };
}
