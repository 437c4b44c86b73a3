import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * Which collection an API call addresses: group ('' for the core group), version, plural
 * resource name, and the namespace (omit for cluster-scoped resources or for "all namespaces").
 */
export interface ResourceRef {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespace?: string;
}

export type KubeObject = KubernetesObject;

/** `ref('apps/v1', 'deployments', 'default')` or `ref('v1', 'configmaps')`. */
export function ref(apiVersion: string, plural: string, namespace?: string): ResourceRef {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return namespace === undefined ? { group, version, plural } : { group, version, plural, namespace };
}

/** The same resource in another namespace (or cluster-wide with `undefined`). */
export function inNamespace(r: ResourceRef, namespace: string | undefined): ResourceRef {
  const { group, version, plural } = r;
  return namespace === undefined ? { group, version, plural } : { group, version, plural, namespace };
}

export function apiVersionOf(r: Pick<ResourceRef, 'group' | 'version'>): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/**
 * URL path for a collection, an object or an object's subresource:
 * /api/v1/namespaces/ns/pods[/name[/status]] or /apis/apps/v1/deployments.
 */
export function resourcePath(r: ResourceRef, name?: string, subresource?: string): string {
  let p = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  if (r.namespace !== undefined && r.namespace !== '') p += `/namespaces/${encodeURIComponent(r.namespace)}`;
  p += `/${r.plural}`;
  if (name !== undefined) {
    p += `/${encodeURIComponent(name)}`;
    if (subresource !== undefined) p += `/${subresource}`;
  }
  return p;
}

/** Human-readable target for error messages, e.g. `configmaps default/foo`. */
export function describeTarget(r: ResourceRef, name?: string): string {
  const gr = r.group === '' ? r.plural : `${r.plural}.${r.group}`;
  const ns = r.namespace ? `${r.namespace}/` : '';
  return name === undefined ? `${gr}${r.namespace ? ` in ${r.namespace}` : ''}` : `${gr} ${ns}${name}`;
}

/** The cache key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KubeObject): string {
  const m = obj.metadata;
  if (!m?.name) return '';
  return m.namespace ? `${m.namespace}/${m.name}` : m.name;
}

/** Split a `namespace/name` key; cluster-scoped keys have no namespace. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** A handful of built-in resources used by the runtime and its tests. */
export const CORE = {
  configMaps: ref('v1', 'configmaps'),
  pods: ref('v1', 'pods'),
  nodes: ref('v1', 'nodes'),
  namespaces: ref('v1', 'namespaces'),
  events: ref('v1', 'events'),
  secrets: ref('v1', 'secrets'),
  services: ref('v1', 'services'),
  leases: ref('coordination.k8s.io/v1', 'leases'),
  eventsV1: ref('events.k8s.io/v1', 'events'),
  deployments: ref('apps/v1', 'deployments'),
  replicaSets: ref('apps/v1', 'replicasets'),
} as const satisfies Record<string, ResourceRef>;
