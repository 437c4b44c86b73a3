/**
 * Pure analysis of live objects: which API versions an object's writers used (managedFields and the
 * last-applied annotation), the apiserver_requested_deprecated_apis metric, RBAC rules, webhook rules, CRD
 * versions and nodes against the skew policy. The I/O that fetches them is in live/collect.ts.
 */
import { REMOVED_APIS, removedByResource, servedAt } from '../kb/apis.js';
import { skewVerdict, SKEW_SOURCE } from '../kb/skew.js';
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

function liveIdentity(o: LiveObject, kind: string, apiVersion?: string): Identity {
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

const METRIC_RE = /^apiserver_requested_deprecated_apis\{([^}]*)\}\s+(\S+)/;

/** Parse `apiserver_requested_deprecated_apis` samples (value 1) from Prometheus text. */
export function parseDeprecatedApiMetric(text: string): DeprecatedApiSample[] {
  const out: DeprecatedApiSample[] = [];
  for (const line of text.split('\n')) {
    const m = METRIC_RE.exec(line);
    if (!m || Number(m[2]) === 0) continue;
    const labels: Record<string, string> = {};
    for (const lm of m[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[lm[1]!] = lm[2]!;
    out.push({
      group: labels.group ?? '',
      version: labels.version ?? '',
      resource: labels.resource ?? '',
      subresource: labels.subresource ?? '',
      removedRelease: labels.removed_release ?? '',
    });
  }
  return out;
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

/** Is some version of `group`/`resource` served at `target` according to the knowledge base? (undefined: the KB does not know the pair) */
export function groupResourceServed(group: string, resource: string, target: number): boolean | undefined {
  const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
  const removed = REMOVED_APIS.filter((a) => groupOf(a.apiVersion) === group && a.resource === resource);
  if (removed.length === 0) return undefined;
  if (removed.some((a) => a.removedIn > target)) return true;
  return REMOVED_APIS.some(
    (a) => a.replacement && groupOf(a.replacement.apiVersion) === group && a.resource === resource && a.replacement.since <= target && servedAt(a.replacement.apiVersion, a.replacement.kind, target),
  );
}

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
}

/** RBAC rules that grant on group/resources no version serves at the target (dead grants to clean up). */
export function rbacFindings(role: LiveObject & { rules?: PolicyRule[] }, kind: string, target: number): Finding[] {
  const out: Finding[] = [];
  if (role.metadata?.labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults') return out;
  (role.rules ?? []).forEach((rule, i) => {
    for (const g of rule.apiGroups ?? []) {
      for (const r of rule.resources ?? []) {
        if (g === '*' || r === '*') continue;
        const base = r.split('/')[0]!;
        if (groupResourceServed(g, base, target) !== false) continue;
        out.push({
          severity: 'warning',
          code: 'rbac-unserved-resource',
          message: `rules[${i}] grants ${(rule.verbs ?? []).join(',')} on ${base}${g ? `.${g}` : ''}, which no API version serves at ${minorText(target)}: the grant does nothing there; clients relying on it must move to the replacement API`,
          identity: liveIdentity(role, kind, 'rbac.authorization.k8s.io/v1'),
          subject: `${g || 'core'}/${r}`,
          source: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/',
        });
      }
    }
  });
  return out;
}

interface WebhookRule {
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
}
interface Webhook {
  name?: string;
  matchPolicy?: string;
  rules?: WebhookRule[];
}

/** Webhook rules that name API versions removed at or before the target. */
export function webhookFindings(cfg: LiveObject & { webhooks?: Webhook[] }, kind: string, target: number): Finding[] {
  const out: Finding[] = [];
  (cfg.webhooks ?? []).forEach((wh, i) => {
    (wh.rules ?? []).forEach((rule, j) => {
      for (const g of rule.apiGroups ?? []) {
        for (const r of rule.resources ?? []) {
          const base = r.split('/')[0]!;
          const versions = rule.apiVersions ?? [];
          const removed = versions.filter((v) => v !== '*').map((v) => removedByResource(g ? `${g}/${v}` : v, base)).filter((e) => e !== undefined && e.removedIn <= target);
          if (removed.length === 0) continue;
          const servedNamed = versions.some((v) => v === '*' || !removedByResource(g ? `${g}/${v}` : v, base) || removedByResource(g ? `${g}/${v}` : v, base)!.removedIn > target);
          const exact = wh.matchPolicy === 'Exact';
          const severity = exact && !servedNamed ? 'blocker' : 'warning';
          const names = removed.map((e) => e!.apiVersion).join(', ');
          const repl = removed[0]!.replacement;
          out.push({
            severity,
            code: 'webhook-removed-version',
            message:
              severity === 'blocker'
                ? `webhook ${wh.name ?? i} (matchPolicy Exact) matches ${base} only through ${names}, not served at ${minorText(target)}: it will stop seeing these requests; add ${repl?.apiVersion ?? 'the served version'} to its rule`
                : `webhook ${wh.name ?? i} names ${names} ${base}, not served at ${minorText(target)}${exact ? '' : ' (matchPolicy Equivalent still sends it the requests, converted)'}; list ${repl?.apiVersion ?? 'the served version'} instead`,
            identity: liveIdentity(cfg, kind, 'admissionregistration.k8s.io/v1'),
            subject: `webhooks[${i}].rules[${j}]`,
            removedIn: minorText(removed[0]!.removedIn),
            ...(repl ? { replacement: `${repl.apiVersion} ${repl.kind}` } : {}),
            source: removed[0]!.source,
          });
        }
      }
    });
  });
  return out;
}

interface Crd extends LiveObject {
  spec?: { group?: string; names?: { kind?: string }; versions?: { name: string; served?: boolean; storage?: boolean; deprecated?: boolean }[] };
  status?: { storedVersions?: string[] };
}

/** CRDs whose stored versions are no longer served (or several) and served versions marked deprecated. */
export function crdFindings(crd: Crd): Finding[] {
  const out: Finding[] = [];
  const id = liveIdentity(crd, 'CustomResourceDefinition', 'apiextensions.k8s.io/v1');
  const versions = crd.spec?.versions ?? [];
  const stored = crd.status?.storedVersions ?? [];
  const src = 'https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/#upgrade-existing-objects-to-a-new-stored-version';
  for (const s of stored) {
    const v = versions.find((x) => x.name === s);
    if (!v || v.served === false) {
      out.push({
        severity: 'warning',
        code: 'crd-stored-version',
        message: `objects may still be stored as ${s}, which this CRD ${v ? 'no longer serves' : 'no longer lists'}: rewrite every object (storage migration), then drop ${s} from status.storedVersions`,
        identity: id,
        subject: `status.storedVersions ${s}`,
        source: src,
      });
    }
  }
  if (stored.length > 1 && out.length === 0) {
    out.push({
      severity: 'info',
      code: 'crd-stored-version',
      message: `objects are stored in several versions (${stored.join(', ')}): migrate them to the storage version before removing an old version`,
      identity: id,
      subject: 'status.storedVersions',
      source: src,
    });
  }
  for (const v of versions) {
    if (v.deprecated && v.served !== false) {
      out.push({
        severity: 'info',
        code: 'crd-deprecated-version',
        message: `version ${v.name} of ${crd.spec?.names?.kind ?? 'this CRD'} is marked deprecated by its author`,
        identity: id,
        subject: `${crd.spec?.group ?? ''}/${v.name}`,
        source: src,
      });
    }
  }
  return out;
}

interface NodeLike extends LiveObject {
  status?: { nodeInfo?: { kubeletVersion?: string; containerRuntimeVersion?: string } };
}

/** Nodes whose kubelet would break the skew policy at the target, and docker:// nodes crossing 1.24. */
export function nodeFindings(node: NodeLike, target: number): Finding[] {
  const out: Finding[] = [];
  const id = liveIdentity(node, 'Node', 'v1');
  const kv = node.status?.nodeInfo?.kubeletVersion ?? '';
  const runtime = node.status?.nodeInfo?.containerRuntimeVersion ?? '';
  const kubelet = parseKubeVersion(kv);
  if (kubelet) {
    const v = skewVerdict('kubelet', kubelet.minor, target);
    if (!v.ok) {
      out.push({
        severity: 'blocker',
        code: 'kubelet-skew',
        message: `kubelet ${kv} is outside the skew policy for a ${minorText(target)} apiserver (allowed ${minorText(v.oldest)}–${minorText(v.newest)}): ${v.rule}; ${kubelet.minor < v.oldest ? `upgrade the node to at least ${minorText(v.oldest)} first (or replace it)` : 'the node is newer than the target'}`,
        identity: { ...id, client: `kubelet ${kv}` },
        subject: kv,
        source: SKEW_SOURCE,
      });
    }
  }
  if (runtime.startsWith('docker://') && target >= 24) {
    const already = kubelet !== undefined && kubelet.minor >= 24;
    out.push({
      severity: already ? 'info' : 'blocker',
      code: 'dockershim',
      message: already
        ? `runtime ${runtime} on a ${kv} kubelet: served through cri-dockerd (dockershim is gone since 1.24); keep cri-dockerd current or move to containerd`
        : `runtime ${runtime}: dockershim is removed in 1.24, so this node's kubelet cannot be upgraded to ${minorText(target)} as is; move it to containerd or CRI-O (or install cri-dockerd) first`,
      identity: id,
      subject: runtime,
      removedIn: '1.24',
      source: 'https://kubernetes.io/blog/2022/02/17/dockershim-faq/',
    });
  }
  return out;
}

/**
 * Legacy service-account token Secrets (type kubernetes.io/service-account-token): from 1.29 the token
 * clean-up labels those unused for a year invalid and later deletes them. One info finding for all of them.
 */
export function legacyTokenFinding(secrets: readonly LiveObject[], target: number): Finding | undefined {
  if (target < 29 || secrets.length === 0) return undefined;
  const names = secrets.map((s) => `${s.metadata?.namespace ?? ''}/${s.metadata?.name ?? ''}`);
  const used = secrets.filter((s) => s.metadata?.labels?.['kubernetes.io/legacy-token-last-used'] !== undefined).length;
  return {
    severity: 'info',
    code: 'legacy-sa-token',
    message: `${secrets.length} service-account token Secret(s) (${used} with a last-used label): from 1.29 tokens unused for a year are labelled invalid and then deleted; move their users to projected tokens (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`,
    identity: { source: 'live', apiVersion: 'v1', kind: 'Secret', namespace: secrets[0]!.metadata?.namespace ?? '', name: names.length > 1 ? `${secrets[0]!.metadata?.name ?? ''} (+${names.length - 1} more)` : (secrets[0]!.metadata?.name ?? '') },
    subject: 'kubernetes.io/service-account-token',
    source: 'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#auto-generated-legacy-serviceaccount-token-clean-up',
  };
}

/**
 * Fold node findings that say the same thing (same code, severity and subject) about more than `max` nodes
 * into one finding naming the first node, the count and a few more names: a 1,000-node pool of old kubelets
 * is one line, not 1,000.
 */
export function groupNodeFindings(findings: readonly Finding[], max = 10): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.code}|${f.severity}|${f.subject ?? ''}`;
    const g = groups.get(key) ?? [];
    g.push(f);
    groups.set(key, g);
  }
  const out: Finding[] = [];
  for (const g of groups.values()) {
    if (g.length <= max) {
      out.push(...g);
      continue;
    }
    const names = g.map((f) => f.identity.name ?? '?');
    const first = g[0]!;
    out.push({
      ...first,
      identity: { ...first.identity, name: `${names[0]} (+${g.length - 1} more)` },
      message: `${g.length} nodes: ${first.message} (nodes: ${names.slice(0, 5).join(', ')}${g.length > 5 ? ', …' : ''})`,
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

