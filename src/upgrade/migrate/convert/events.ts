import type { Converter, Obj, Step } from './types.js';
import { clone, identity, withApiVersion } from './util.js';

const DEPRECATED = ['deprecatedSource', 'deprecatedFirstTimestamp', 'deprecatedLastTimestamp', 'deprecatedCount'] as const;

/**
 * Event events.k8s.io/v1beta1 to v1: the same fields, but the deprecated* fields (kept for core/v1
 * Events) must be unset by writers of the new API, and type is Normal or Warning.
 */
export const eventConverter: Converter = (o: Obj, to: string): Step => {
  const changes = [`apiVersion ${String(o.apiVersion)} -> ${to}`];
  const warnings: string[] = [];
  const out = withApiVersion(clone(o), to);
  for (const k of DEPRECATED) {
    if (!(k in out)) continue;
    delete out[k];
    changes.push(`${k} removed (must be unset when written through events.k8s.io/v1)`);
  }
  if (out.type !== undefined && out.type !== 'Normal' && out.type !== 'Warning') {
    warnings.push(`${identity(o)}: type ${JSON.stringify(out.type)} is not allowed in events.k8s.io/v1; use Normal or Warning`);
  }
  return { object: out, changes, warnings };
};
