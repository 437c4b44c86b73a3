import type { Expectations } from '../../kube/expectations.js';
import { objectKey, type KubeObject } from '../../kube/resource.js';

/**
 * Whether resourceVersion `a` is at least `b` (etcd-backed API servers issue increasing integers; for anything
 * else only equality counts).
 */
export function versionAtLeast(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  if (!/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) >= BigInt(b);
}

/**
 * Records that the next reconcile of `key` must see `written` in the cache — unless the cache already shows it
 * or a newer version (an agent's status write can land, and be watched, before the response to our write).
 */
export function expectWrite(exp: Expectations, key: string, written: KubeObject | undefined, cache: { get(key: string): KubeObject | undefined }): void {
  if (!written?.metadata?.uid || !written.metadata.resourceVersion) return;
  const cached = cache.get(objectKey(written));
  if (cached?.metadata?.uid === written.metadata.uid && versionAtLeast(cached.metadata.resourceVersion, written.metadata.resourceVersion)) return;
  exp.expectObject(key, written);
}
