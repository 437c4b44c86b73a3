/**
 * The conversion the import uses for objects whose exported version the target does not serve.
 * Until convert/ (plinth upgrade convert) is merged this renames to the knowledge base's replacement.
 */
import { removedApi } from '../assess/kb/apis.js';
import type { Converter } from './target.js';

export const importConverter: Converter = (obj) => {
  const r = removedApi(obj.apiVersion ?? '', obj.kind ?? '');
  if (!r?.replacement) return { skip: `no conversion known for ${obj.apiVersion ?? '?'} ${obj.kind ?? '?'}` };
  return { object: { ...obj, apiVersion: r.replacement.apiVersion, kind: r.replacement.kind } };
};
