import type { KubeObject } from './resource.js';

/**
 * An index function maps an object to the index values it should be found under
 * (none, one or several). Functions must be pure: the store recomputes them on the old
 * object to remove stale entries instead of remembering them.
 */
export type IndexFunc<T = KubeObject> = (obj: T) => readonly string[] | string | undefined;

/** Objects by the UID of each of their owners (ownerReferences[].uid). */
export const byOwnerUid: IndexFunc = (obj) => obj.metadata?.ownerReferences?.map((o) => o.uid);

/** Pods by the node they are bound to (spec.nodeName). */
export const byNode: IndexFunc = (obj) => (obj as { spec?: { nodeName?: string } }).spec?.nodeName || undefined;

/** Objects by namespace. */
export const byNamespace: IndexFunc = (obj) => obj.metadata?.namespace;

/** Objects by the value of one label; objects without the label are not indexed. */
export function byLabel(key: string): IndexFunc {
  return (obj) => obj.metadata?.labels?.[key];
}

/** Objects by a controller owner key `namespace/kind/name` (only the controller=true owner). */
export const byControllerOwner: IndexFunc = (obj) => {
  const ref = obj.metadata?.ownerReferences?.find((o) => o.controller);
  return ref ? `${obj.metadata?.namespace ?? ''}/${ref.kind}/${ref.name}` : undefined;
};

/** The built-in indexers, by the names used with `byIndex`. */
export const standardIndexers = {
  byOwnerUid,
  byNode,
  byNamespace,
  byControllerOwner,
} as const satisfies Record<string, IndexFunc>;

export function indexValues<T>(fn: IndexFunc<T>, obj: T): readonly string[] {
  const v = fn(obj);
  if (v === undefined) return EMPTY;
  return typeof v === 'string' ? [v] : v;
}

const EMPTY: readonly string[] = Object.freeze([]);
