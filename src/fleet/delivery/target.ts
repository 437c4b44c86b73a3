import type { FleetDeliveryStatusT } from '../../api/index.js';
import { rolloutHash } from './desired.js';
import type { DeliveryView, SourceView } from './types.js';

/** A revision and its artifact. */
export interface Target {
  revision: string;
  digest: string;
}

/** What the delivery should run next, decided from its spec, its status and its source. */
export type TargetDecision =
  | { kind: 'keep' }
  | { kind: 'rollout'; to: Target; message: string }
  | { kind: 'rollback'; to: Target; message: string; requestedAt?: string }
  | { kind: 'rollbackRefused'; message: string; requestedAt: string };

/** The artifact of a revision the delivery has run (status.revisions, previous, current), if known. */
export function knownDigest(status: FleetDeliveryStatusT | undefined, revision: string): string | undefined {
  const s = status ?? {};
  const listed = [...(s.revisions ?? [])].reverse().find((r) => r.revision === revision);
  if (listed) return listed.digest;
  if (s.previousRevision === revision && s.previousDigest) return s.previousDigest;
  if (s.revision === revision && s.digest) return s.digest;
  return undefined;
}

/** The revision a rollback returns to without --to: the previous one. */
export function previousTarget(status: FleetDeliveryStatusT | undefined): Target | undefined {
  const s = status ?? {};
  return s.previousRevision && s.previousDigest ? { revision: s.previousRevision, digest: s.previousDigest } : undefined;
}

/**
 * Pure: the next target. In order:
 *  1. a rollback a person requested (spec.rollback.requestedAt not yet handled): to spec.rollback.toRevision or
 *     the previous revision — refused (and recorded) when that revision is unknown or is the one running;
 *  2. a new artifact of the delivery's path (a render error or a missing artifact changes nothing), except the
 *     one the last rollback left;
 *  3. a change of what every cluster gets for the same artifact (overrides, targetNamespace, prune, drift).
 * Otherwise the delivery keeps its target.
 */
export function decideTarget(d: DeliveryView, source: SourceView): TargetDecision {
  const st = d.status ?? {};
  const req = d.spec.rollback;
  if (req && req.requestedAt !== st.rollbackHandledAt) {
    const to = req.toRevision ?? st.previousRevision;
    if (!to) return { kind: 'rollbackRefused', requestedAt: req.requestedAt, message: 'rollback refused: the delivery has no previous revision' };
    const digest = knownDigest(st, to);
    if (!digest) return { kind: 'rollbackRefused', requestedAt: req.requestedAt, message: `rollback refused: revision ${to} is not one this delivery ran (known: ${knownRevisions(st).join(', ') || 'none'})` };
    if (to === st.revision) {
      return { kind: 'rollbackRefused', requestedAt: req.requestedAt, message: `rollback refused: revision ${to} is the one the delivery runs` };
    }
    return { kind: 'rollback', to: { revision: to, digest }, requestedAt: req.requestedAt, message: `rollback requested from ${st.revision ?? '(none)'} to ${to}` };
  }
  if (source.found && !source.error && source.digest && source.commit && source.digest !== st.digest) {
    const leftDigest = st.rolledBackFrom ? knownDigest(st, st.rolledBackFrom) : undefined;
    const rolledBack = st.phase === 'RollingBack' || st.phase === 'RolledBack';
    if (rolledBack && (source.commit === st.rolledBackFrom || source.digest === leftDigest)) return { kind: 'keep' };
    return { kind: 'rollout', to: { revision: source.commit, digest: source.digest }, message: `new revision ${source.commit} (artifact ${source.digest.slice(0, 19)}…)` };
  }
  if (st.revision && st.digest && st.rolloutHash !== rolloutHash(d.spec, st.digest)) {
    return { kind: 'rollout', to: { revision: st.revision, digest: st.digest }, message: `the delivery's spec changed (overrides, targetNamespace, prune or drift): revision ${st.revision} again` };
  }
  return { kind: 'keep' };
}

function knownRevisions(st: FleetDeliveryStatusT): string[] {
  const set = new Set<string>((st.revisions ?? []).map((r) => r.revision));
  if (st.previousRevision) set.add(st.previousRevision);
  if (st.revision) set.add(st.revision);
  return [...set];
}
