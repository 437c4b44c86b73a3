import type { Expectations } from './expectations.js';
import { objectKey, type KubeObject } from './resource.js';

/**
 * Whether resourceVersion `a` is at least `b`. resourceVersions are opaque, but every API server backed by
 * etcd issues increasing integers; when either is not an integer only equality counts.
 */
export function versionAtLeast(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) >= BigInt(b);
}

/**
 * Records that the next reconcile of `key` must see `written` (the object a write returned) in the cache —
 * unless the cache already shows it or a newer version: a watch event can arrive before the response to the
 * write that caused it, and an expectation recorded after its event would only clear at the timeout.
 */
export function expectWrite(exp: Expectations, key: string, written: KubeObject | undefined, cache: { get(key: string): KubeObject | undefined }): void {
  if (!written?.metadata?.uid || !written.metadata.resourceVersion) return;
  const cached = cache.get(objectKey(written));
  if (cached?.metadata?.uid === written.metadata.uid && versionAtLeast(cached.metadata.resourceVersion, written.metadata.resourceVersion)) return;
  exp.expectObject(key, written);
}
