import type { Obj } from './types.js';

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value as an object, or undefined. */
export function obj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}

/** The value as an array, or an empty one. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A deep copy of JSON-like data. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Deep equality of JSON-like data (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * A copy of `o` with `oldKey` replaced by `newKey` (holding `value`) at the same position, so key order
 * survives a rename. When `oldKey` is absent the new key is appended.
 */
export function renameKey(o: Obj, oldKey: string, newKey: string, value: unknown): Obj {
  const out: Obj = {};
  let placed = false;
  for (const [k, v] of Object.entries(o)) {
    if (k === oldKey) {
      out[newKey] = value;
      placed = true;
    } else if (k !== newKey) {
      out[k] = v;
    }
  }
  if (!placed) out[newKey] = value;
  return out;
}

/** A copy of `o` with `key` set to `value`, inserted after `after` (or appended) when new. */
export function setAfter(o: Obj, key: string, value: unknown, after?: string): Obj {
  if (key in o || after === undefined || !(after in o)) return { ...o, [key]: value };
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    out[k] = v;
    if (k === after) out[key] = value;
  }
  return out;
}

/** `Kind namespace/name` (or `Kind name`) for messages. */
export function identity(o: Obj): string {
  const md = obj(o.metadata) ?? {};
  const name = typeof md.name === 'string' ? md.name : typeof md.generateName === 'string' ? `${md.generateName}*` : '(unnamed)';
  const ns = typeof md.namespace === 'string' ? `${md.namespace}/` : '';
  return `${typeof o.kind === 'string' ? o.kind : 'object'} ${ns}${name}`;
}

/** A copy of `o` with apiVersion set to `to`, keeping apiVersion's position. */
export function withApiVersion(o: Obj, to: string): Obj {
  return renameKey(o, 'apiVersion', 'apiVersion', to);
}
