import type { Store } from './store.js';
import type { KubeObject } from './resource.js';

export interface RelistDiff<T> {
  added: T[];
  updated: Array<{ old: T; obj: T }>;
  /** Objects that disappeared, with their last known state. */
  deleted: T[];
}

/**
 * What changed between the cache and a fresh full list: objects not cached are adds, cached
 * objects whose resourceVersion differs are updates (resourceVersions are compared for
 * equality only — they are opaque), cached objects missing from the list are deletes, and
 * an object re-created under the same name (new UID) is a delete of the old plus an add.
 */
export function relistDiff<T extends KubeObject>(
  store: Store<T>,
  listed: ReadonlyMap<string, T>,
): RelistDiff<T> {
  const diff: RelistDiff<T> = { added: [], updated: [], deleted: [] };
  for (const [key, obj] of listed) {
    const old = store.get(key);
    if (old === undefined) {
      diff.added.push(obj);
    } else if (old.metadata?.uid !== obj.metadata?.uid) {
      // Deleted and re-created under the same name while we were not watching.
      diff.deleted.push(old);
      diff.added.push(obj);
    } else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) {
      diff.updated.push({ old, obj });
    }
  }
  for (const [key, old] of store.entries()) {
    if (!listed.has(key)) diff.deleted.push(old);
  }
  return diff;
}
