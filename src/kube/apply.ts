import type { KubeClient } from './http.js';
import { inNamespace, type KubeObject, type ResourceRef } from './resource.js';
import { PlinthError } from '../errors/index.js';

export const FIELD_MANAGER = 'plinth';

/** Any Kubernetes object with its content fields (spec, data, status, ...). */
export type ApplyObject = KubeObject & Record<string, unknown>;

export interface ApplyOptions {
  /** Default `plinth`. Use one manager per controller if several write the same object. */
  fieldManager?: string;
  /** Take ownership of fields another manager owns instead of failing with 409. */
  force?: boolean;
  dryRun?: boolean;
  signal?: AbortSignal;
}

/**
 * Server-side apply: send the fields this manager wants to own (`application/apply-patch+yaml`;
 * JSON is valid YAML). The object needs apiVersion, kind and metadata.name; the namespace comes
 * from the object or the ResourceRef. Creates the object if it does not exist.
 */
export function apply<T extends KubeObject = KubeObject>(client: KubeClient, resource: ResourceRef, obj: ApplyObject, opts: ApplyOptions = {}): Promise<T> {
  return send<T>(client, resource, obj, opts, undefined);
}

/** Server-side apply of the status subresource (only `status` is taken from `obj`). */
export function applyStatus<T extends KubeObject = KubeObject>(client: KubeClient, resource: ResourceRef, obj: ApplyObject, opts: ApplyOptions = {}): Promise<T> {
  const body = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata?.name, namespace: obj.metadata?.namespace }, status: obj.status };
  return send<T>(client, resource, body, opts, 'status');
}

function send<T>(client: KubeClient, resource: ResourceRef, obj: KubeObject, opts: ApplyOptions, subresource: string | undefined): Promise<T> {
  const name = obj.metadata?.name;
  if (!name || !obj.apiVersion || !obj.kind) {
    throw new PlinthError('INVALID_ARGUMENT', { what: 'object to apply', detail: 'apiVersion, kind and metadata.name are required', fix: 'set them on the object' });
  }
  const ns = resource.namespace ?? obj.metadata?.namespace;
  const body = stripForApply(obj);
  return client.patch<T>(inNamespace(resource, ns), name, body, 'apply', {
    fieldManager: opts.fieldManager ?? FIELD_MANAGER,
    force: opts.force,
    dryRun: opts.dryRun,
    subresource,
    signal: opts.signal,
  });
}

/** Apply requests must not carry managedFields; creationTimestamp/uid/selfLink are noise. */
function stripForApply(obj: KubeObject): KubeObject {
  const m = obj.metadata;
  if (!m) return obj;
  if (m.managedFields === undefined && m.creationTimestamp === undefined && m.uid === undefined && m.selfLink === undefined) return obj;
  const { managedFields: _mf, creationTimestamp: _ct, uid: _uid, selfLink: _sl, ...rest } = m;
  return { ...obj, metadata: rest };
}
