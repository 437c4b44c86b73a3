import type { SidecarSet } from '../../api/release/sidecarset.js';
import type { Condition } from '../../kube/status.js';
import { selectorsMayOverlap } from './overlap.js';

export const VALID = 'Valid';

/** Whether `a` was created before `b` (creation time, then name): the older of a conflicting pair stays valid. */
function olderThan(a: SidecarSet, b: SidecarSet): boolean {
  const ta = String(a.metadata?.creationTimestamp ?? '');
  const tb = String(b.metadata?.creationTimestamp ?? '');
  if (ta !== tb) return new Date(ta).getTime() < new Date(tb).getTime();
  return a.metadata.name! < b.metadata.name!;
}

export interface SidecarConflict {
  other: string;
  container: string;
}

/**
 * The older SidecarSet `set` conflicts with, if any: both inject a container of one name and their pod and
 * namespace selectors can select one pod. The newer set of the pair is the one that is wrong.
 */
export function conflictOf(set: SidecarSet, all: readonly SidecarSet[]): SidecarConflict | undefined {
  const mine = new Set(set.spec.containers.map((c) => c.name));
  for (const o of [...all].sort((a, b) => (olderThan(a, b) ? -1 : 1))) {
    if (o.metadata?.name === set.metadata?.name || !olderThan(o, set)) continue;
    const shared = o.spec.containers.find((c) => mine.has(c.name));
    if (!shared) continue;
    if (!selectorsMayOverlap(o.spec.selector, set.spec.selector)) continue;
    if (!selectorsMayOverlap(o.spec.namespaceSelector, set.spec.namespaceSelector)) continue;
    return { other: o.metadata.name!, container: shared.name };
  }
  return undefined;
}

/** The Valid condition of a set among all sets (reason Conflict with what to change, or Valid). */
export function validCondition(set: SidecarSet, all: readonly SidecarSet[]): Condition {
  const c = conflictOf(set, all);
  if (!c) return { type: VALID, status: 'True', reason: 'Valid', message: 'no other SidecarSet injects these container names into the same pods' };
  return {
    type: VALID,
    status: 'False',
    reason: 'Conflict',
    message:
      `SidecarSet ${set.metadata.name!} injects container "${c.container}" as the older SidecarSet ${c.other} does, and their selectors can select the same pods: ` +
      `rename the container, or narrow spec.selector (or spec.namespaceSelector) so it excludes the pods of ${c.other}; the webhook refuses pods both select`,
  };
}
