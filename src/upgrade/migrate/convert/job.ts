import type { Obj } from './types.js';
import { plainThen } from './plain.js';
import { obj } from './util.js';

/**
 * extensions/v1beta1 Job (removed in 1.6) → batch/v1. `spec.autoSelector` became `spec.manualSelector` with
 * the opposite meaning; a selector the manifest gives itself needs `manualSelector: true` in batch/v1, which
 * refuses a selector it did not generate otherwise.
 */
export const extensionsJobConverter = plainThen((o: Obj, changes: string[]): Obj => {
  const spec = obj(o.spec);
  if (!spec) return o;
  const { autoSelector, ...rest } = spec;
  const next: Obj = { ...rest };
  if (typeof autoSelector === 'boolean') {
    next.manualSelector = !autoSelector;
    changes.push(`spec.autoSelector: ${autoSelector} -> spec.manualSelector: ${!autoSelector}`);
  } else if (spec.selector !== undefined && spec.manualSelector === undefined) {
    next.manualSelector = true;
    changes.push('spec.manualSelector: true (the manifest gives its own spec.selector)');
  } else {
    return o;
  }
  return { ...o, spec: next };
});
