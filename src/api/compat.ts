import type { JsonSchema } from './schema/structural.js';
import type { CustomResourceDefinition } from './crd.js';

export interface ServerVersion {
  major: number;
  minor: number;
}

/** Parse the API server's /version answer ({major: "1", minor: "24+"}). */
export function parseServerVersion(v: { major?: string; minor?: string; gitVersion?: string }): ServerVersion {
  const major = Number.parseInt(v.major ?? '', 10);
  const minor = Number.parseInt(v.minor ?? '', 10);
  if (Number.isFinite(major) && Number.isFinite(minor)) return { major, minor };
  const m = /^v?(\d+)\.(\d+)/.exec(v.gitVersion ?? '');
  if (m) return { major: Number(m[1]), minor: Number(m[2]) };
  throw new Error(`cannot read the API server version from ${JSON.stringify(v)}`);
}

/** Fields of x-kubernetes-validations rules and the Kubernetes minor version that added them. */
const RULE_FIELDS_SINCE: Record<string, number> = { messageExpression: 27, reason: 28, fieldPath: 28, optionalOldSelf: 29 };

function adapt(value: unknown, minor: number): unknown {
  if (Array.isArray(value)) return value.map((v) => adapt(v, minor));
  if (value === null || typeof value !== 'object') return value;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(value as JsonSchema)) {
    out[k] =
      k === 'x-kubernetes-validations' && Array.isArray(v)
        ? (v as Record<string, unknown>[]).map((rule) =>
            Object.fromEntries(Object.entries(rule).filter(([f]) => (RULE_FIELDS_SINCE[f] ?? 0) <= minor)),
          )
        : adapt(v, minor);
  }
  return out;
}

/**
 * The CRD as an API server of `server`'s version accepts it: validation-rule fields it does not
 * know (fieldPath and reason before 1.28, messageExpression before 1.27, …) are left out, since
 * server-side apply refuses unknown fields. The rules themselves stay (from 1.25 they are
 * enforced; 1.24 ignores them unless its CustomResourceValidationExpressions gate is on).
 */
export function crdForServer(crd: CustomResourceDefinition, server: ServerVersion): CustomResourceDefinition {
  if (server.major > 1 || server.minor >= 29) return crd;
  return { ...crd, spec: adapt(crd.spec, server.minor) as JsonSchema };
}
