/**
 * What an export keeps: which served resources define a cluster's workloads and configuration, and
 * which of their objects a control plane regenerates by itself (pure functions, unit tested).
 */
import type { KubeObject } from '../../kube/resource.js';
import { plinthStateSkipReason } from './transient.js';

/** Resources never exported (group/plural), with why. */
const SKIP_RESOURCES: ReadonlyMap<string, string> = new Map([
  ['/nodes', 'registered by kubelets'],
  ['/events', 'events are history, not configuration'],
  ['events.k8s.io/events', 'events are history, not configuration'],
  ['/componentstatuses', 'computed by the API server'],
  ['/bindings', 'not listable'],
  ['coordination.k8s.io/leases', 'leases are renewed by their holders'],
  ['discovery.k8s.io/endpointslices', 'maintained by the EndpointSlice controllers'],
  ['apps/controllerrevisions', 'history of workload controllers'],
  ['storage.k8s.io/csinodes', 'registered by kubelets'],
  ['storage.k8s.io/volumeattachments', 'created by the attach/detach controller'],
  ['storage.k8s.io/csistoragecapacities', 'published by CSI drivers'],
  ['certificates.k8s.io/certificatesigningrequests', 'short-lived requests'],
  ['internal.apiserver.k8s.io/storageversions', 'maintained by API servers'],
  ['resource.k8s.io/resourceslices', 'published by drivers'],
  ['networking.k8s.io/ipaddresses', 'allocated by the API server for services'],
  ['metrics.k8s.io/pods', 'served by metrics-server'],
  ['metrics.k8s.io/nodes', 'served by metrics-server'],
]);

/** Groups whose resources are served again under another group (the newer one is exported). */
const ALIAS_GROUPS = new Set(['extensions']);

/** Why a whole resource is left out, or undefined when it is exported. */
export function resourceSkipReason(group: string, plural: string, verbs: readonly string[]): string | undefined {
  const r = SKIP_RESOURCES.get(`${group}/${plural}`);
  if (r) return r;
  if (!verbs.includes('list') || !verbs.includes('get')) return 'not listable';
  if (!verbs.includes('patch') && !verbs.includes('create')) return 'not writable';
  if (ALIAS_GROUPS.has(group)) return 'served under a newer group';
  if (group === 'authorization.k8s.io' || group === 'authentication.k8s.io') return 'review API';
  return undefined;
}

const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
const CONTROLLED_KINDS = new Set(['Pod', 'ReplicaSet', 'Job', 'ControllerRevision']);
const GENERATED_CONFIGMAPS = new Set(['kube-root-ca.crt', 'extension-apiserver-authentication', 'kube-apiserver-legacy-service-account-token-tracking', 'cluster-info']);

type Obj = KubeObject & Record<string, unknown>;

function labels(o: KubeObject): Record<string, string> {
  return (o.metadata?.labels) ?? {};
}
function annotations(o: KubeObject): Record<string, string> {
  return (o.metadata?.annotations) ?? {};
}

/** Whether a finished Job (Complete or Failed condition). */
function jobFinished(o: Obj): boolean {
  const conds = ((o.status as { conditions?: Array<{ type?: string; status?: string }> } | undefined)?.conditions) ?? [];
  return conds.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/**
 * Why one object is left out (the control plane regenerates it, it is being deleted, …), or
 * undefined when it is exported.
 */
export function objectSkipReason(group: string, kind: string, o: Obj, ctx: { selectorlessServices?: ReadonlySet<string> } = {}): string | undefined {
  const m = o.metadata ?? {};
  const name = m.name ?? '';
  const ns = m.namespace;
  if (m.deletionTimestamp) return 'being deleted';
  const controller = (m.ownerReferences ?? []).find((r) => r.controller === true);
  if (controller && group !== 'apiextensions.k8s.io' && (CONTROLLED_KINDS.has(kind) || (kind === 'PersistentVolumeClaim' && controller.kind === 'Pod'))) {
    return `owned by ${controller.kind} (its controller recreates it)`;
  }
  if (labels(o)['kubernetes.io/bootstrapping'] === 'rbac-defaults') return 'bootstrap RBAC (recreated by the API server)';
  if (annotations(o)['apf.kubernetes.io/autoupdate-spec'] === 'true') return 'API priority and fairness default (recreated by the API server)';
  if (labels(o)['kube-aggregator.kubernetes.io/automanaged'] !== undefined) return 'APIService managed by the API server';
  if (group === 'apiregistration.k8s.io' && kind === 'APIService' && !(o.spec as { service?: unknown } | undefined)?.service) return 'APIService served locally';
  if (group === '') {
    switch (kind) {
      case 'Namespace':
        if (SYSTEM_NAMESPACES.has(name)) return 'system namespace (exists on every cluster)';
        break;
      case 'Pod':
        if (annotations(o)['kubernetes.io/config.mirror'] !== undefined) return 'mirror pod of a static pod';
        break;
      case 'Secret':
        if (o.type === 'kubernetes.io/service-account-token') return 'service-account token (recreated by the token controller when needed)';
        break;
      case 'ConfigMap':
        if (GENERATED_CONFIGMAPS.has(name) && (name === 'kube-root-ca.crt' || ns === 'kube-system' || ns === 'kube-public')) return 'published by the control plane';
        return plinthStateSkipReason(group, kind, o);
      case 'ServiceAccount':
        if (name === 'default') return 'default service account (recreated in every namespace)';
        if (ns === 'kube-system' && isControllerAccount(name)) return 'control-plane controller account';
        break;
      case 'Service':
        if (ns === 'default' && name === 'kubernetes') return 'the API server service';
        break;
      case 'Endpoints':
        // A service without a selector has hand-written endpoints: those are configuration.
        if (ctx.selectorlessServices?.has(`${ns ?? ''}/${name}`)) break;
        return 'maintained by the endpoints controller';
    }
  }
  if (group === 'scheduling.k8s.io' && kind === 'PriorityClass' && (name === 'system-node-critical' || name === 'system-cluster-critical')) return 'system priority class';
  if (group === 'batch' && kind === 'Job' && jobFinished(o)) return 'finished Job';
  if (group === 'networking.k8s.io' && kind === 'ServiceCIDR' && name === 'kubernetes') return 'the API server service CIDR';
  return undefined;
}

/** Service accounts kube-controller-manager creates for its controllers (--use-service-account-credentials). */
export function isControllerAccount(name: string): boolean {
  return (
    /-(controller|collector)$/.test(name) ||
    /-(controller|provisioner|signer|cleaner|approver|binder)s?$/.test(name) ||
    ['generic-garbage-collector', 'horizontal-pod-autoscaler', 'namespace-controller', 'persistent-volume-binder', 'pv-protection-controller', 'pvc-protection-controller', 'attachdetach-controller', 'certificate-controller', 'root-ca-cert-publisher', 'service-account-controller', 'ttl-after-finished-controller', 'ttl-controller', 'resourcequota-controller', 'bootstrap-signer', 'token-cleaner', 'legacy-service-account-token-cleaner', 'kube-proxy', 'coredns'].includes(name)
  );
}

const META_DROP = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'deletionGracePeriodSeconds'] as const;
const GENERATED_ANNOTATIONS = [
  'deployment.kubernetes.io/revision',
  'deprecated.daemonset.template.generation',
  'pv.kubernetes.io/bind-completed',
  'pv.kubernetes.io/bound-by-controller',
];
const JOB_LABELS = ['controller-uid', 'job-name', 'batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name'];

/**
 * A copy of `o` without what the source control plane generated: identity and bookkeeping metadata,
 * owner uids, status (unless kept), allocated cluster IPs, node bindings, PV/PVC bind annotations,
 * Job selectors, token secret references and aggregated ClusterRole rules.
 */
export function stripObject(group: string, kind: string, src: Obj, opts: { includeStatus: boolean }): Obj {
  // Copy all but what is dropped anyway (managedFields are often most of the object; status unless kept):
  // a JSON round trip of the rest is a third of the time structuredClone of the whole takes.
  const { managedFields: _mf, ...metadata } = (src.metadata ?? {}) as Record<string, unknown>;
  const { apiVersion, kind: k, metadata: _m, status, ...rest } = src;
  const o = JSON.parse(JSON.stringify({ apiVersion, kind: k, metadata, ...rest, ...(opts.includeStatus ? { status } : {}) })) as Obj;
  const m = o.metadata as Record<string, unknown>;
  for (const k of META_DROP) delete m[k];
  if (Array.isArray(m.ownerReferences)) {
    m.ownerReferences = (m.ownerReferences as Array<Record<string, unknown>>).map(({ uid: _uid, ...r }) => r);
  }
  const ann = m.annotations as Record<string, string> | undefined;
  if (ann) {
    for (const a of GENERATED_ANNOTATIONS) delete ann[a];
    if (kind === 'PersistentVolumeClaim') for (const a of Object.keys(ann)) if (a.startsWith('pv.kubernetes.io/') || a === 'volume.kubernetes.io/storage-provisioner' || a === 'volume.beta.kubernetes.io/storage-provisioner') delete ann[a];
    if (Object.keys(ann).length === 0) delete m.annotations;
  }
  const spec = o.spec as Record<string, unknown> | undefined;
  if (group === '' && spec) {
    if (kind === 'Service') {
      if (spec.clusterIP !== 'None') {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      }
    } else if (kind === 'Pod') {
      delete spec.nodeName;
    } else if (kind === 'PersistentVolume') {
      const claim = spec.claimRef as Record<string, unknown> | undefined;
      if (claim) {
        delete claim.uid;
        delete claim.resourceVersion;
      }
    }
  }
  if (group === '' && kind === 'ServiceAccount' && Array.isArray(o.secrets)) {
    const kept = (o.secrets as Array<{ name?: string }>).filter((s) => !/-token-[a-z0-9]{5}$/.test(s.name ?? ''));
    if (kept.length > 0) o.secrets = kept;
    else delete o.secrets;
  }
  if (group === 'batch' && kind === 'Job' && spec && spec.manualSelector !== true) {
    delete spec.selector;
    const tl = (spec.template as { metadata?: { labels?: Record<string, string> } } | undefined)?.metadata?.labels;
    if (tl) for (const l of JOB_LABELS) delete tl[l];
    const ml = m.labels as Record<string, string> | undefined;
    if (ml) {
      for (const l of JOB_LABELS) delete ml[l];
      if (Object.keys(ml).length === 0) delete m.labels;
    }
  }
  if (group === 'rbac.authorization.k8s.io' && kind === 'ClusterRole' && o.aggregationRule) delete o.rules;
  dropNullTimestamps(o);
  return o;
}

/** Older servers write `creationTimestamp: null` into embedded templates; newer ones omit it. */
function dropNullTimestamps(v: unknown): void {
  if (Array.isArray(v)) {
    for (const x of v) dropNullTimestamps(x);
  } else if (v !== null && typeof v === 'object') {
    const rec = v as Record<string, unknown>;
    for (const [k, x] of Object.entries(rec)) {
      if (k === 'creationTimestamp' && x === null) delete rec[k];
      else if (x !== null && typeof x === 'object') dropNullTimestamps(x);
    }
  }
}
