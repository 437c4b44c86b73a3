import type { KubeClient } from './http.js';
import type { KubeObject, ResourceRef } from './resource.js';
import { retry } from './retry.js';
import { rfc3339 } from './clock.js';

/** A standard Kubernetes condition. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface StatusEqualOptions {
  /**
   * Arrays whose elements are objects that all carry one of these keys (unique per array) are
   * compared as sets keyed by it, so their order does not matter. Default ['type'] (conditions).
   */
  unorderedBy?: readonly string[];
}

/**
 * Deep equality for status values as the API server sees them: JSON semantics (undefined and
 * null fields are absent, Dates are strings), numbers by value, condition-like arrays in any order.
 */
export function statusEqual(a: unknown, b: unknown, opts: StatusEqualOptions = {}): boolean {
  return eq(normalize(a), normalize(b), opts.unorderedBy ?? ['type']);
}

function normalize(v: unknown): unknown {
  return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown);
}

function isAbsent(v: unknown): boolean {
  return v === undefined || v === null;
}

function eq(a: unknown, b: unknown, keys: readonly string[]): boolean {
  if (isAbsent(a) && isAbsent(b)) return true;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    const key = keyedBy(a, keys);
    if (key !== undefined && keyedBy(b, keys) === key) {
      const byKey = new Map<unknown, unknown>(b.map((x) => [(x as Record<string, unknown>)[key], x]));
      return a.every((x) => {
        const k = (x as Record<string, unknown>)[key];
        return byKey.has(k) && eq(x, byKey.get(k), keys);
      });
    }
    return a.every((x, i) => eq(x, b[i], keys));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k of Object.keys(ao)) if (!eq(ao[k], bo[k], keys)) return false;
  for (const k of Object.keys(bo)) if (!(k in ao) && !isAbsent(bo[k])) return false;
  return true;
}

/** The key an array is keyed by, if every element is an object with a distinct value for it. */
function keyedBy(arr: unknown[], keys: readonly string[]): string | undefined {
  if (arr.length === 0) return undefined;
  for (const key of keys) {
    const seen = new Set<unknown>();
    let ok = true;
    for (const x of arr) {
      if (typeof x !== 'object' || x === null || Array.isArray(x)) return undefined;
      const v = (x as Record<string, unknown>)[key];
      if (typeof v !== 'string' || seen.has(v)) {
        ok = false;
        break;
      }
      seen.add(v);
    }
    if (ok) return key;
  }
  return undefined;
}

/** A condition message cut to `max` characters (an ellipsis marks the cut), so one status stays small. */
export function clipMessage(message: string, max = 1000): string {
  return message.length > max ? `${message.slice(0, max - 1)}…` : message;
}

/**
 * Insert or replace the condition of `cond.type`; `lastTransitionTime` changes only when the
 * condition's status changes. Returns a new array (the input is not modified).
 */
export function setCondition(conditions: readonly Condition[] | undefined, cond: Condition, now: Date = new Date()): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === cond.type);
  const prev = i >= 0 ? list[i] : undefined;
  const given = prev && prev.status === cond.status ? prev.lastTransitionTime : cond.lastTransitionTime;
  const next: Condition = { ...cond, lastTransitionTime: given === undefined ? rfc3339(now) : given.replace(/\.\d+Z$/, 'Z') };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

export interface WriteStatusOptions<T extends KubeObject> {
  client: KubeClient;
  /** The resource, with the object's namespace for namespaced kinds. */
  resource: ResourceRef;
  name: string;
  /** The object as last seen (e.g. from the informer cache); read from the API if omitted. */
  current?: T;
  /**
   * Compute the desired status from the object. Must be a pure function of its input: it is
   * re-run on a fresh copy after a conflict. Returning `undefined` (or a promise of it) leaves the status alone.
   */
  desired: (obj: T) => unknown;
  /** Retries after the first write (default 5), on what kube/retry.ts calls retryable. */
  retries?: number;
  equal?: StatusEqualOptions;
  signal?: AbortSignal;
}

export interface WriteStatusResult<T> {
  changed: boolean;
  object: T;
}

/**
 * Write the /status subresource only if the desired status differs from the current one. A write
 * that fails retryably (kube/retry.ts: a conflict above all) re-reads the object and recomputes.
 */
export async function writeStatus<T extends KubeObject>(opts: WriteStatusOptions<T>): Promise<WriteStatusResult<T>> {
  const { client, resource, name } = opts;
  let obj = opts.current ?? (await client.get<T>(resource, name, { signal: opts.signal }));
  return retry(
    async (attempt) => {
      if (attempt > 1) obj = await client.get<T>(resource, name, { signal: opts.signal });
      const desired = await opts.desired(obj);
      if (desired === undefined || statusEqual((obj as { status?: unknown }).status, desired, opts.equal)) return { changed: false, object: obj };
      const updated = await client.replace<T>(resource, name, { ...obj, status: desired }, { subresource: 'status', signal: opts.signal });
      return { changed: true, object: updated };
    },
    { attempts: (opts.retries ?? 5) + 1, initialMs: 10, maxMs: 1_000, ...(opts.signal ? { signal: opts.signal } : {}) },
  );
}
