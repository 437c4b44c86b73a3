import type { Converter, Obj, Step } from './types.js';
import { clone, withApiVersion } from './util.js';

/**
 * Kinds whose replacement has the same fields (RBAC, PriorityClass, storage, Lease, IngressClass,
 * RuntimeClass, CronJob, NetworkPolicy, APIService, TokenReview, PodSecurityPolicy to policy/v1beta1):
 * only the apiVersion changes.
 */
export const plainConverter: Converter = (o: Obj, to: string): Step => ({
  object: withApiVersion(clone(o), to),
  changes: [`apiVersion ${String(o.apiVersion)} -> ${to}`],
  warnings: [],
});

/** A plain move followed by `extra`, which may edit the copy and add notes. */
export function plainThen(extra: (o: Obj, changes: string[], warnings: string[]) => Obj): Converter {
  return (o: Obj, to: string): Step => {
    const base = plainConverter(o, to);
    const changes = [...base.changes];
    const warnings: string[] = [];
    const object = extra(base.object as Obj, changes, warnings);
    return { object, changes, warnings };
  };
}
