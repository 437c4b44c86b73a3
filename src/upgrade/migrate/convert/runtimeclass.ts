import type { Obj } from './types.js';
import { plainThen } from './plain.js';
import { obj } from './util.js';

/** node.k8s.io/v1alpha1 RuntimeClass kept its fields under spec; v1beta1 and v1 have them at the top level. */
export const runtimeClassAlphaConverter = plainThen((o: Obj, changes: string[]): Obj => {
  const spec = obj(o.spec);
  if (!spec) return o;
  const out: Obj = { ...o };
  delete out.spec;
  for (const [from, to] of [['runtimeHandler', 'handler'], ['overhead', 'overhead'], ['scheduling', 'scheduling']] as const) {
    if (spec[from] === undefined) continue;
    out[to] = spec[from];
    changes.push(`spec.${from} -> ${to}`);
  }
  return out;
});
