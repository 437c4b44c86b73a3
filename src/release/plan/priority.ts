// Pod update priority (CloneSet's priorityStrategy, made explicit): which pods a release updates first.
import { selectorMatches, type LabelSelectorLike } from '../../kube/selector.js';
import { compareStrings } from './pods.js';

/** spec.strategy.priority of a CellDeployment. */
export interface PriorityPolicy {
  /** Every matching entry adds its weight to a pod's priority; higher priority is updated first. */
  weights?: readonly { selector: LabelSelectorLike; weight: number }[];
  /** A pod label whose value orders pods of equal priority (e.g. an ordinal: 0, 1, 2...). */
  orderKey?: string;
  /** Ascending (default): the smallest value first. */
  orderDirection?: 'Ascending' | 'Descending';
}

/** A pod's priority: the sum of the weights whose selector matches its labels (0 without a policy). */
export function podPriority(policy: PriorityPolicy | undefined, labels: Record<string, string> | undefined): number {
  let sum = 0;
  for (const w of policy?.weights ?? []) if (selectorMatches(w.selector, labels ?? {})) sum += w.weight;
  return sum;
}

/** The value of the policy's order key on a pod, or undefined (such pods come after those that have it). */
export function podOrderValue(policy: PriorityPolicy | undefined, labels: Record<string, string> | undefined): string | undefined {
  return policy?.orderKey === undefined ? undefined : labels?.[policy.orderKey];
}

const INTEGER = /^-?[0-9]{1,15}$/;

/**
 * Compares two order values: both whole numbers → numerically, else as strings; a missing value sorts
 * last whatever the direction. Negative when `a` goes first.
 */
export function compareOrderValues(a: string | undefined, b: string | undefined, direction: 'Ascending' | 'Descending' = 'Ascending'): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const c = INTEGER.test(a) && INTEGER.test(b) ? Number(a) - Number(b) : compareStrings(a, b);
  return direction === 'Descending' ? -c : c;
}
