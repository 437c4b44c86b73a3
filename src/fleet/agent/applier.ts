// Applies a delivery's objects to the member with server-side apply, in dependency order; prunes; reads health.
import type { Logger } from 'pino';
import { errorMessage } from '../../errors/index.js';
import { isNotFound } from '../../kube/api-error.js';
import { apply } from '../../kube/apply.js';
import { sleep } from '../../kube/clock.js';
import type { Discovery } from '../../kube/discovery.js';
import type { KubeClient } from '../../kube/http.js';
import type { ResourceRef } from '../../kube/resource.js';
import { clipMessage } from '../../kube/status.js';
import type { KubeObject } from '../artifact.js';
import { AGENT_FIELD_MANAGER } from '../names.js';
import { objectHealth, worstHealth, type Health } from './health.js';
import { ANNOTATION_AGENT_DELIVERY, LABEL_AGENT_RECORD, applyOrder, describeRef, refOf, type ObjectRef } from './objects.js';

export interface Failure {
  kind: string;
  namespace?: string;
  name: string;
  message: string;
}

/** An object ready to apply: namespace decided, the agent's marks set, its resource known. */
export interface Prepared {
  obj: KubeObject;
  resource: ResourceRef | undefined;
}

/** The resources that the CRDs among `objects` define, by `apiVersion/kind` (their kinds are not served yet). */
export function crdResources(objects: readonly KubeObject[]): Map<string, { resource: ResourceRef; namespaced: boolean }> {
  const out = new Map<string, { resource: ResourceRef; namespaced: boolean }>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition') continue;
    const spec = o.spec as { group?: string; scope?: string; names?: { kind?: string; plural?: string }; versions?: Array<{ name: string }> } | undefined;
    if (!spec?.group || !spec.names?.kind || !spec.names.plural) continue;
    for (const v of spec.versions ?? []) {
      out.set(`${spec.group}/${v.name}/${spec.names.kind}`, { resource: { group: spec.group, version: v.name, plural: spec.names.plural }, namespaced: spec.scope !== 'Cluster' });
    }
  }
  return out;
}

function failureOf(r: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>, message: string): Failure {
  return { kind: r.kind, ...(r.namespace ? { namespace: r.namespace } : {}), name: r.name, message: clipMessage(message, 1000) };
}

export class MemberApplier {
  constructor(
    private readonly client: KubeClient,
    private readonly discovery: Discovery,
    private readonly log: Logger,
    /** Bench only (bench/fleet-scale): renames every namespace the objects use, so simulated members can share one cluster. */
    private readonly mapNamespace?: (namespace: string) => string,
  ) {}

  /** The resource of a kind (undefined when the member does not serve it, e.g. before its CRD). */
  async resourceOf(apiVersion: string, kind: string, namespace?: string): Promise<{ resource: ResourceRef; namespaced: boolean } | undefined> {
    const info = await this.discovery.resolve(apiVersion, kind);
    if (!info) return undefined;
    const base = { group: info.group, version: info.version, plural: info.plural };
    return { resource: info.namespaced && namespace ? { ...base, namespace } : base, namespaced: info.namespaced };
  }

  /**
   * Decide each object's namespace (a namespaced object without one gets `targetNamespace`, else `default`;
   * a kind the member does not serve yet is decided again after the CRDs are applied) and mark it as the
   * agent's (label LABEL_AGENT_RECORD = recordId, annotation = the delivery).
   */
  async prepare(objects: readonly KubeObject[], opts: { recordId: string; delivery: string; targetNamespace?: string }): Promise<Prepared[]> {
    const defined = crdResources(objects);
    const out: Prepared[] = [];
    for (const o of applyOrder(objects)) {
      const obj = structuredClone(o);
      obj.metadata.labels = { ...((obj.metadata.labels) ?? {}), [LABEL_AGENT_RECORD]: opts.recordId };
      obj.metadata.annotations = { ...((obj.metadata.annotations) ?? {}), [ANNOTATION_AGENT_DELIVERY]: opts.delivery };
      const r = (await this.resourceOf(obj.apiVersion, obj.kind)) ?? defined.get(`${obj.apiVersion}/${obj.kind}`);
      if (r?.namespaced && !obj.metadata.namespace) obj.metadata.namespace = opts.targetNamespace ?? 'default';
      if (r && !r.namespaced) delete obj.metadata.namespace;
      if (this.mapNamespace) {
        if (obj.metadata.namespace) obj.metadata.namespace = this.mapNamespace(obj.metadata.namespace);
        if (obj.kind === 'Namespace' && obj.apiVersion === 'v1') obj.metadata.name = this.mapNamespace(obj.metadata.name);
      }
      out.push({ obj, resource: r ? (obj.metadata.namespace ? { ...r.resource, namespace: obj.metadata.namespace } : r.resource) : undefined });
    }
    return out;
  }

  /**
   * Server-side apply each object in order (field manager AGENT_FIELD_MANAGER, force). After the CRDs, waits for
   * them to be Established before applying their custom resources. Failed objects are listed; the others
   * are still applied.
   */
  async applyAll(prepared: Prepared[], signal?: AbortSignal): Promise<{ applied: ObjectRef[]; failures: Failure[] }> {
    const applied: ObjectRef[] = [];
    const failures: Failure[] = [];
    const crds: string[] = [];
    let crdsSettled = false;
    for (const p of prepared) {
      signal?.throwIfAborted();
      if (p.obj.kind !== 'CustomResourceDefinition' && crds.length > 0 && !crdsSettled) {
        await this.waitEstablished(crds, signal);
        this.discovery.invalidate();
        crdsSettled = true;
      }
      try {
        const resource = p.resource ?? (await this.resourceOf(p.obj.apiVersion, p.obj.kind, p.obj.metadata.namespace))?.resource;
        if (!resource) throw new Error(`the member does not serve ${p.obj.apiVersion} ${p.obj.kind}`);
        await apply(this.client, resource, p.obj as KubeObject & Record<string, unknown>, { fieldManager: AGENT_FIELD_MANAGER, force: true, signal });
        applied.push(refOf(p.obj));
        if (p.obj.kind === 'CustomResourceDefinition') crds.push(p.obj.metadata.name);
      } catch (err) {
        if (signal?.aborted) throw err;
        failures.push(failureOf(refOf(p.obj), errorMessage(err)));
        this.log.warn({ object: describeRef(refOf(p.obj)), err: errorMessage(err) }, 'apply failed');
      }
    }
    return { applied, failures };
  }

  /** Re-apply one object (drift correction). */
  async applyOne(obj: KubeObject, signal?: AbortSignal): Promise<KubeObject> {
    const r = await this.resourceOf(obj.apiVersion, obj.kind, obj.metadata.namespace);
    if (!r) throw new Error(`the member does not serve ${obj.apiVersion} ${obj.kind}`);
    return apply<KubeObject>(this.client, r.resource, obj, { fieldManager: AGENT_FIELD_MANAGER, force: true, signal });
  }

  private async waitEstablished(names: string[], signal?: AbortSignal, timeoutMs = 30_000): Promise<void> {
    const crds = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' };
    const end = Date.now() + timeoutMs;
    for (const name of names) {
      for (;;) {
        const crd = await this.client.get<{ status?: { conditions?: Array<{ type: string; status: string }> } }>(crds, name, { signal }).catch(() => undefined);
        if (crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
        if (Date.now() > end) {
          this.log.warn({ crd: name }, 'CRD not Established in time; applying its resources anyway');
          break;
        }
        await sleep(200, signal);
      }
    }
  }

  /**
   * Delete objects of an old inventory (in the order given), only those that carry this record's label: the
   * agent never deletes what it did not create. Gone already is fine.
   */
  async prune(refs: readonly ObjectRef[], recordId: string, signal?: AbortSignal): Promise<Failure[]> {
    const failures: Failure[] = [];
    for (const r of refs) {
      try {
        const res = await this.resourceOf(r.apiVersion, r.kind, r.namespace);
        if (!res) continue;
        const live = await this.client.get<KubeObject>(res.resource, r.name, { signal });
        if ((live.metadata?.labels as Record<string, string> | undefined)?.[LABEL_AGENT_RECORD] !== recordId) {
          this.log.info({ object: describeRef(r) }, 'not pruned: not created by this delivery');
          continue;
        }
        await this.client.delete(res.resource, r.name, { signal, propagationPolicy: 'Background' });
        this.log.info({ object: describeRef(r) }, 'pruned');
      } catch (err) {
        if (isNotFound(err)) continue;
        if (signal?.aborted) throw err;
        failures.push(failureOf(r, `prune: ${errorMessage(err)}`));
      }
    }
    return failures;
  }

  /** The health of an inventory from the live objects: the worst of them, with the first message. */
  async health(inventory: readonly ObjectRef[], signal?: AbortSignal): Promise<{ health: Health; message?: string }> {
    const list: Array<{ health: Health; message?: string }> = [];
    for (const r of inventory) {
      if (!['Deployment', 'StatefulSet', 'DaemonSet', 'CellDeployment'].includes(r.kind)) continue;
      try {
        const res = await this.resourceOf(r.apiVersion, r.kind, r.namespace);
        if (!res) continue;
        const live = await this.client.get<Parameters<typeof objectHealth>[0]>(res.resource, r.name, { signal });
        const h = objectHealth(live);
        list.push(h.message ? { health: h.health, message: `${describeRef(r)}: ${h.message}` } : h);
      } catch (err) {
        if (signal?.aborted) throw err;
        list.push({ health: 'Progressing', message: `${describeRef(r)}: ${isNotFound(err) ? 'not found' : errorMessage(err)}` });
      }
    }
    const health = worstHealth(list.map((h) => h.health));
    const message = list.find((h) => h.health === health)?.message;
    return message ? { health, message } : { health };
  }
}
