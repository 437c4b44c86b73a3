import type { Converter, Obj, Step } from './types.js';
import { arr, clone, identity, obj, withApiVersion } from './util.js';

/**
 * PodDisruptionBudget policy/v1beta1 to policy/v1. The fields are the same, but an empty selector (`{}`)
 * selected no pods in v1beta1 and selects every pod of the namespace in v1. The converter keeps the
 * meaning — it removes the empty selector, and a PDB without a selector selects no pods in v1 too — and
 * warns, because such a PDB was almost certainly written expecting it to protect something.
 */
export const pdbConverter: Converter = (o: Obj, to: string): Step => {
  const changes = [`apiVersion ${String(o.apiVersion)} -> ${to}`];
  const warnings: string[] = [];
  const out = withApiVersion(clone(o), to);
  const spec = obj(out.spec);
  if (spec && isEmptySelector(spec.selector)) {
    delete spec.selector;
    changes.push('spec.selector {} removed (policy/v1beta1: selects no pods; policy/v1 without a selector: selects no pods)');
    warnings.push(
      `${identity(o)}: its empty selector {} selected NO pods in policy/v1beta1 but would select EVERY pod of the namespace in policy/v1; ` +
        'the converted PDB has no selector so it still protects nothing — if you want it to cover every pod, set spec.selector: {} yourself; ' +
        'if it should cover some pods, set spec.selector.matchLabels to their labels',
    );
  }
  return { object: out, changes, warnings };
};

function isEmptySelector(s: unknown): boolean {
  const sel = obj(s);
  if (!sel) return false;
  return Object.keys(obj(sel.matchLabels) ?? {}).length === 0 && arr(sel.matchExpressions).length === 0;
}
