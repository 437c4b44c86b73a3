/**
 * The conversion the import uses for objects whose exported version the target does not serve:
 * `convertObject` of `plinth upgrade convert` (convert/), with its field changes.
 */
import { convertObject } from './convert/index.js';
import type { Converter } from './target.js';

export const importConverter: Converter = (obj, targetMinor) => {
  const r = convertObject(obj, targetMinor);
  if (r.object === null) return { skip: r.warnings.join('; ') || `no conversion known for ${obj.apiVersion ?? '?'} ${obj.kind ?? '?'}` };
  return { object: r.object };
};
