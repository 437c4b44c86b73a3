import { createHash } from 'node:crypto';
import type { SidecarSet } from '../../api/release/sidecarset.js';

/** JSON with object keys sorted, so equal content hashes equal whatever the key order. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => stableJson(x)).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The hash of what a SidecarSet injects (containers, volumes, launch order): 10 hex characters. */
export function sidecarSetHash(set: Pick<SidecarSet, 'spec'>): string {
  const { containers, volumes, launchOrder } = set.spec;
  return createHash('sha256').update(stableJson({ containers, volumes: volumes ?? [], launchOrder })).digest('hex').slice(0, 10);
}
