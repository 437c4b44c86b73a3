/**
 * Pure analysis of live objects: which API versions an object's writers used (managedFields and the
 * last-applied annotation) and the apiserver_requested_deprecated_apis metric. RBAC, webhooks and CRDs are in
 * live/config.ts, nodes in live/nodes.ts; the I/O that fetches them is in live/collect.ts.
 */
import { promSamples } from '../../../kube/prom-text.js';
import { REMOVED_APIS, removedByResource } from '../kb/apis.js';
import { minorText, parseKubeVersion } from '../kb/version.js';
import { apiFinding } from '../rules.js';
import type { Finding, Identity } from '../types.js';

export interface LiveObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: { manager?: string; operation?: string; apiVersion?: string }[];
  };
  [k: string]: unknown;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function liveIdentity(o: LiveObject, kind: string, apiVersion?: string): Identity {
  return {
    source: 'live',
    kind,
    ...(apiVersion ? { apiVersion } : {}),
    ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
    ...(o.metadata?.name ? { name: o.metadata.name } : {}),
  };
}

/** The API versions the writers of an object used: managedFields, then the last-applied annotation. */
/**
 * Writers that are part of the control plane itself: they are upgraded with it and rewrite their objects in
 * the new version (e.g. the apiserver's own FlowSchemas), so their old versions are not the user's problem.
 */
export function isControlPlaneWriter(manager: string | undefined): boolean {
  return manager !== undefined && (manager.startsWith('api-priority-and-fairness-config-') || manager === 'kube-apiserver' || manager === 'kube-controller-manager' || manager === 'kube-scheduler');
}

export function writerFindings(o: LiveObject, kind: string, target: number): Finding[] {
  const out: Finding[] = [];
  if (o.metadata?.annotations?.['apf.kubernetes.io/autoupdate-spec'] === 'true') return out;
  const byVersion = new Map<string, string[]>();
  for (const m of o.metadata?.managedFields ?? []) {
    if (!m.apiVersion || isControlPlaneWriter(m.manager)) continue;
    const list = byVersion.get(m.apiVersion) ?? [];
    list.push(`${m.manager ?? '?'} (${m.operation ?? '?'})`);
    byVersion.set(m.apiVersion, list);
  }
  let lastApplied: string | undefined;
  const ann = o.metadata?.annotations?.[LAST_APPLIED];
  if (ann) {
    try {
      const v = (JSON.parse(ann) as { apiVersion?: unknown }).apiVersion;
      if (typeof v === 'string') lastApplied = v;
    } catch {
      // not JSON: nothing to learn from it
    }
  }
  for (const [apiVersion, managers] of byVersion) {
    const f = apiFinding(apiVersion, kind, target, { ...liveIdentity(o, kind, apiVersion), client: managers.join(', ') });
    if (!f) continue;
    const also = lastApplied === apiVersion ? '; the last-applied annotation names it too' : '';
    out.push({ ...f, message: `written through ${apiVersion} by ${managers.join(', ')} (managedFields): ${f.message}${also}` });
  }
  if (lastApplied && !byVersion.has(lastApplied)) {
    const f = apiFinding(lastApplied, kind, target, liveIdentity(o, kind, lastApplied));
    if (f && f.code === 'removed-api') {
      out.push({
        ...f,
        severity: 'info',
        code: 'last-applied-only',
        message: `only the kubectl last-applied annotation names ${lastApplied}; no writer in managedFields used it, so this is not a blocker (it matters only if someone re-applies that old manifest)`,
      });
    }
  }
  return out;
}

export interface DeprecatedApiSample {
  group: string;
  version: string;
  resource: string;
  subresource: string;
  removedRelease: string;
}

/** Parse `apiserver_requested_deprecated_apis` samples (value 1) from Prometheus text. */
export function parseDeprecatedApiMetric(text: string): DeprecatedApiSample[] {
  return promSamples(text, 'apiserver_requested_deprecated_apis')
    .filter((s) => s.value !== 0)
    .map(({ labels }) => ({
      group: labels.group ?? '',
      version: labels.version ?? '',
      resource: labels.resource ?? '',
      subresource: labels.subresource ?? '',
      removedRelease: labels.removed_release ?? '',
    }));
}

/** Findings for the metric's samples; `writers` names managers seen writing that group/version/resource. */
export function metricFindings(samples: readonly DeprecatedApiSample[], target: number, writers: ReadonlyMap<string, Set<string>>): Finding[] {
  const out: Finding[] = [];
  for (const s of samples) {
    const gv = s.group ? `${s.group}/${s.version}` : s.version;
    const e = removedByResource(gv, s.resource);
    const removed = parseKubeVersion(s.removedRelease)?.minor ?? e?.removedIn;
    if (removed === undefined) continue;
    const who = [...(writers.get(`${gv}/${s.resource}`) ?? [])].filter((m) => !isControlPlaneWriter(m));
    const known = who.length > 0;
    // Without a known writer the caller may be the control plane itself (the namespace and garbage-collector
    // controllers list every served resource, e.g. PodSecurityPolicies): a warning until the audit log says who.
    const severity = removed <= target && known ? 'blocker' : 'warning';
    const client = known ? who.join(', ') : 'unknown (audit log: annotation k8s.io/deprecated="true")';
    const res = s.subresource ? `${s.resource}/${s.subresource}` : s.resource;
    const callers = known
      ? `${who.join(', ')} (writers seen in managedFields) called`
      : 'some client called (the metric names none; the control plane\'s own namespace and garbage-collector controllers list every served resource — find the caller in the audit log by the annotation k8s.io/deprecated="true")';
    out.push({
      severity,
      code: 'requested-deprecated-api',
      message: `${callers} ${gv} ${res} since the apiserver started (apiserver_requested_deprecated_apis); it is ${removed <= target ? 'not served' : 'removed'} from ${minorText(removed)}${e?.replacement ? `; callers must use ${e.replacement.apiVersion}` : ''}`,
      identity: { source: 'live', apiVersion: gv, kind: e?.kind ?? s.resource, client },
      subject: `${gv} ${res}`,
      removedIn: minorText(removed),
      ...(e?.replacement ? { replacement: `${e.replacement.apiVersion} ${e.replacement.kind}` } : {}),
      ...(e ? { deprecatedIn: minorText(e.deprecatedIn), fieldChanges: e.fieldChanges, source: e.source } : {}),
    });
  }
  return out;
}

/** Kinds whose objects are read to find writers through removed versions (persistent, user-written kinds). */
export function writtenKinds(): { kind: string; groups: string[] }[] {
  const skip = new Set(['TokenReview', 'SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'Event', 'EndpointSlice', 'Lease', 'CSINode', 'VolumeAttachment', 'CSIStorageCapacity', 'CertificateSigningRequest']);
  const out = new Map<string, Set<string>>();
  const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
  for (const a of REMOVED_APIS) {
    if (skip.has(a.kind)) continue;
    const s = out.get(a.kind) ?? new Set<string>();
    if (a.replacement) s.add(groupOf(a.replacement.apiVersion));
    else s.add(groupOf(a.apiVersion));
    out.set(a.kind, s);
  }
  return [...out].map(([kind, groups]) => ({ kind, groups: [...groups] }));
}

