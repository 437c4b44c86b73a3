// Pure helpers over the objects the agent applies: identity, apply order, the agent's marks, drift comparison.
import type { KubeObject } from '../artifact.js';

/** What the agent applied: enough to find the object again (inventory entry). */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Label on every object the agent applies: the record (delivery) that owns it. Prune and drift check it. */
export const LABEL_AGENT_RECORD = 'fleet.plinth.dev/agent-record';
/** Annotation on every applied object: the hub ClusterDelivery (`namespace/name`) it comes from. */
export const ANNOTATION_AGENT_DELIVERY = 'fleet.plinth.dev/cluster-delivery';

export function refOf(o: KubeObject): ObjectRef {
  return o.metadata.namespace
    ? { apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }
    : { apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name };
}

/** `apps/v1/Deployment/ns/name` (cluster-scoped: `v1/Namespace//name`): one key per object. */
export function refKey(r: ObjectRef): string {
  return `${r.apiVersion}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

/** `Deployment web/api` for messages and status. */
export function describeRef(r: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/** Apply ranks: definitions and namespaces before what lives in them, workloads after their config. */
const RANK: Readonly<Record<string, number>> = {
  CustomResourceDefinition: 0,
  Namespace: 1,
  PriorityClass: 2,
  StorageClass: 2,
  ServiceAccount: 3,
  ClusterRole: 3,
  Role: 3,
  ClusterRoleBinding: 4,
  RoleBinding: 4,
  ResourceQuota: 4,
  LimitRange: 4,
  Secret: 5,
  ConfigMap: 5,
  PersistentVolumeClaim: 6,
  Service: 7,
};
const DEFAULT_RANK = 8;

export function applyRank(kind: string): number {
  return RANK[kind] ?? DEFAULT_RANK;
}

/** The objects in apply order (stable: the artifact's order within a rank). Prune runs in the reverse. */
export function applyOrder<T extends { kind: string }>(objects: readonly T[]): T[] {
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => applyRank(a.o.kind) - applyRank(b.o.kind) || a.i - b.i)
    .map((x) => x.o);
}

/** Inventory entries of `before` that `after` no longer holds, in prune order (reverse apply order). */
export function removedRefs(before: readonly ObjectRef[], after: readonly ObjectRef[]): ObjectRef[] {
  const keep = new Set(after.map(refKey));
  return applyOrder(before.filter((r) => !keep.has(refKey(r)))).reverse();
}

/**
 * Where the live object differs from the desired one in a field the desired object sets (the fields the
 * agent owns), as a JSON path, or undefined when it has them all. Fields the server or others add are
 * ignored; arrays must have the same length and each element must hold the desired element's fields.
 */
export function firstDrift(desired: unknown, live: unknown, path = ''): string | undefined {
  if (desired === null || typeof desired !== 'object') {
    if (desired === live) return undefined;
    // The API server keeps integers that are whole floats as integers, and quantities as given.
    if (typeof desired === 'number' && typeof live === 'number' && desired === live) return undefined;
    return path || '/';
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return path || '/';
    for (let i = 0; i < desired.length; i++) {
      const d = firstDrift(desired[i], live[i], `${path}/${i}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (live === null || typeof live !== 'object' || Array.isArray(live)) return path || '/';
  for (const [k, v] of Object.entries(desired as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    const d = firstDrift(v, (live as Record<string, unknown>)[k], `${path}/${k}`);
    if (d !== undefined) return d;
  }
  return undefined;
}

/** The desired object without what the agent does not compare (status; metadata other than labels/annotations). */
export function comparable(o: KubeObject): Record<string, unknown> {
  const { status: _s, metadata, ...rest } = o as KubeObject & { status?: unknown };
  const m: Record<string, unknown> = {};
  if (metadata.labels) m.labels = metadata.labels;
  if (metadata.annotations) m.annotations = metadata.annotations;
  return { ...rest, metadata: m };
}
