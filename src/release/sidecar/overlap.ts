import type { LabelSelectorLike } from '../../kube/selector.js';

/** What a conjunction of requirements asks of one label key. */
interface KeyRule {
  mustExist: boolean;
  mustNotExist: boolean;
  /** The values allowed (In / matchLabels, intersected); undefined: any. */
  allowed?: Set<string>;
  forbidden: Set<string>;
}

type Expressions = NonNullable<LabelSelectorLike['matchExpressions']>;

function toExpressions(s: LabelSelectorLike | undefined): Expressions {
  return [...Object.entries(s?.matchLabels ?? {}).map(([key, v]) => ({ key, operator: 'In', values: [v] })), ...(s?.matchExpressions ?? [])];
}

function satisfiable(r: KeyRule): boolean {
  if (r.mustNotExist) return !r.mustExist && r.allowed === undefined;
  if (r.allowed === undefined) return true;
  return [...r.allowed].some((v) => !r.forbidden.has(v));
}

/**
 * Whether some label set can match both selectors. Decided key by key: two selectors are disjoint only when
 * for one key their requirements contradict (different required values, In sets that do not meet, a value one
 * requires and the other excludes, Exists or In against DoesNotExist); otherwise a pod can be labelled to match
 * both. An unknown operator makes a selector match nothing.
 */
export function selectorsMayOverlap(a: LabelSelectorLike | undefined, b: LabelSelectorLike | undefined): boolean {
  const rules = new Map<string, KeyRule>();
  for (const e of [...toExpressions(a), ...toExpressions(b)]) {
    let r = rules.get(e.key);
    if (!r) rules.set(e.key, (r = { mustExist: false, mustNotExist: false, forbidden: new Set() }));
    switch (e.operator) {
      case 'In': {
        const vals = e.values ?? [];
        const prev = r.allowed;
        r.allowed = new Set(vals.filter((v) => prev === undefined || prev.has(v)));
        r.mustExist = true;
        break;
      }
      case 'NotIn':
        for (const v of e.values ?? []) r.forbidden.add(v);
        break;
      case 'Exists':
        r.mustExist = true;
        break;
      case 'DoesNotExist':
        r.mustNotExist = true;
        break;
      default:
        return false;
    }
  }
  for (const r of rules.values()) if (!satisfiable(r)) return false;
  return true;
}
