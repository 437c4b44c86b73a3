/**
 * Read a live cluster for an assessment: objects of the kinds that had removed versions (with their
 * managedFields), the deprecated-API metric, RBAC roles, webhook configurations, CRDs, nodes, kube-system
 * control-plane pods and (with --helm) Helm release records (Secrets and ConfigMaps). Everything is read-only GETs.
 */
import { Discovery } from '../../../kube/discovery.js';
import type { KubeClient } from '../../../kube/http.js';
import { ref, type ResourceRef } from '../../../kube/resource.js';
import { isKubeApiError } from '../../../kube/api-error.js';
import { currentHelmRecords, decodeHelmRecord, recordWhere, type HelmRecordRef, type HelmStorage } from '../helm.js';
import { objectFindings } from '../objects.js';
import { podFlagFindings } from '../rules.js';
import { parseManifestText } from '../scan/manifests.js';
import type { Finding, InputError } from '../types.js';
import { metricFindings, parseDeprecatedApiMetric, writerFindings, writtenKinds, type LiveObject } from './analyse.js';
import { crdFindings, rbacFindings, webhookFindings } from './config.js';
import { groupNodeFindings, legacyTokenFinding, nodeFindings } from './nodes.js';

async function listAll<T>(client: KubeClient, r: ResourceRef, labelSelector?: string, fieldSelector?: string): Promise<T[]> {
  const out: T[] = [];
  let cont: string | undefined;
  do {
    const page = await client.list<T>(r, { limit: 500, continue: cont, labelSelector, fieldSelector });
    out.push(...page.items);
    cont = page.metadata.continue || undefined;
  } while (cont);
  return out;
}

export interface LiveResult {
  readonly findings: Finding[];
  readonly errors: InputError[];
  readonly objects: number;
  readonly current?: string;
}

/** Run one part of the collection; a 403/404 becomes an error entry, not a failed assessment. */
async function part(errors: InputError[], what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (isKubeApiError(err) && (err.status === 403 || err.status === 404)) {
      errors.push({ source: 'live', message: `${what}: ${(err as Error).message}` });
      return;
    }
    throw err;
  }
}

export async function clusterVersion(client: KubeClient): Promise<string> {
  const v = await client.request<{ gitVersion?: string }>({ method: 'GET', path: '/version', target: 'version' });
  return v.gitVersion ?? 'unknown';
}

export async function assessLive(client: KubeClient, target: number): Promise<LiveResult> {
  const findings: Finding[] = [];
  const errors: InputError[] = [];
  let objects = 0;
  const current = await clusterVersion(client);
  const discovery = new Discovery(client);
  const writers = new Map<string, Set<string>>();

  // The metric is read before anything is listed: listing a kind whose only served version is deprecated
  // (PodSecurityPolicy on 1.24) would otherwise show up in it as a call of our own.
  let metricsText: string | undefined;
  await part(errors, 'apiserver_requested_deprecated_apis (GET /metrics)', async () => {
    metricsText = (await client.requestRaw({ method: 'GET', path: '/metrics', accept: 'text/plain', target: 'metrics' })).toString('utf8');
  });

  await part(errors, 'objects written through removed API versions', async () => {
    const seen = new Set<string>();
    for (const { kind, groups } of writtenKinds()) {
      for (const g of groups) {
        const info = await discovery.resolveKind(kind, g);
        // A kind that cannot be listed stores no objects (e.g. SelfSubjectReview, create-only on 1.28+).
        if (!info || !info.verbs.includes('list')) continue;
        const key = `${info.group}/${info.plural}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const items = await listAll<LiveObject>(client, { group: info.group, version: info.version, plural: info.plural });
        objects += items.length;
        for (const o of items) {
          for (const m of o.metadata?.managedFields ?? []) {
            if (!m.apiVersion || !m.manager) continue;
            const w = writers.get(`${m.apiVersion}/${info.plural}`) ?? new Set<string>();
            w.add(m.manager);
            writers.set(`${m.apiVersion}/${info.plural}`, w);
          }
          findings.push(...writerFindings(o, kind, target));
        }
      }
    }
  });

  if (metricsText !== undefined) findings.push(...metricFindings(parseDeprecatedApiMetric(metricsText), target, writers));

  await part(errors, 'RBAC roles', async () => {
    for (const kind of ['ClusterRole', 'Role'] as const) {
      const items = await listAll<LiveObject>(client, ref('rbac.authorization.k8s.io/v1', kind === 'Role' ? 'roles' : 'clusterroles'));
      for (const r of items) findings.push(...rbacFindings(r, kind, target));
    }
  });

  await part(errors, 'admission webhook configurations', async () => {
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'] as const) {
      const info = await discovery.resolveKind(kind, 'admissionregistration.k8s.io');
      if (!info) continue;
      const items = await listAll<LiveObject>(client, { group: info.group, version: info.version, plural: info.plural });
      for (const w of items) findings.push(...webhookFindings(w, kind, target));
    }
  });

  await part(errors, 'CustomResourceDefinitions', async () => {
    const info = await discovery.resolveKind('CustomResourceDefinition', 'apiextensions.k8s.io');
    if (!info || info.version !== 'v1') return;
    for (const c of await listAll<LiveObject>(client, ref('apiextensions.k8s.io/v1', 'customresourcedefinitions'))) findings.push(...crdFindings(c));
  });

  await part(errors, 'nodes', async () => {
    const nodes = await listAll<LiveObject>(client, ref('v1', 'nodes'));
    findings.push(...groupNodeFindings(nodes.flatMap((n) => nodeFindings(n, target))));
  });

  await part(errors, 'service-account token Secrets', async () => {
    if (target < 29) return;
    const tokens = await listAll<LiveObject>(client, ref('v1', 'secrets'), undefined, 'type=kubernetes.io/service-account-token');
    const f = legacyTokenFinding(tokens, target);
    if (f) findings.push(f);
  });

  await part(errors, 'control-plane pods in kube-system', async () => {
    const pods = await listAll<LiveObject & { spec?: unknown }>(client, ref('v1', 'pods', 'kube-system'));
    for (const p of pods) {
      const labels = p.metadata?.labels ?? {};
      const mirror = p.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined;
      const component = labels.component;
      if (!mirror && !(component && /^kube-(apiserver|controller-manager|scheduler)$/.test(component))) continue;
      findings.push(...podFlagFindings(p.spec, component, target, { source: 'live', kind: 'Pod', apiVersion: 'v1', namespace: 'kube-system', name: p.metadata?.name ?? '' }));
    }
  });

  return { findings, errors, objects, current };
}

export interface HelmResult {
  readonly findings: Finding[];
  readonly errors: InputError[];
  readonly releases: number;
  readonly objects: number;
}

interface StoredRecord extends HelmRecordRef {
  readonly value: string | undefined;
}

type HelmObject = LiveObject & { data?: Record<string, string>; type?: string };

function storedRecord(storage: HelmStorage, o: HelmObject): StoredRecord | undefined {
  const labels = o.metadata?.labels ?? {};
  // A ConfigMap labelled owner=helm by something else is not a release record.
  if (storage === 'ConfigMap' && (labels.name === undefined || o.data?.release === undefined)) return undefined;
  return {
    storage,
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
    release: labels.name ?? o.metadata?.name ?? '?',
    revision: Number(labels.version ?? 0),
    status: labels.status,
    value: o.data?.release,
  };
}

/**
 * Helm release records of both storage drivers — Secrets of type helm.sh/release.v1 and ConfigMaps (both
 * labelled owner=helm) — keeping per release the newest deployed revision (see currentHelmRecords), decoded
 * and scanned. Each finding's message names the record it came from. A kind the credentials may not list
 * (403) becomes an error entry; the other kind is still read.
 */
export async function assessHelm(client: KubeClient, target: number): Promise<HelmResult> {
  const findings: Finding[] = [];
  const errors: InputError[] = [];
  let objects = 0;
  const stored: StoredRecord[] = [];
  for (const [storage, r, fieldSelector] of [
    ['Secret', ref('v1', 'secrets'), 'type=helm.sh/release.v1'],
    ['ConfigMap', ref('v1', 'configmaps'), undefined],
  ] as const) {
    try {
      for (const o of await listAll<HelmObject>(client, r, 'owner=helm', fieldSelector)) {
        const rec = storedRecord(storage, o);
        if (rec) stored.push(rec);
      }
    } catch (err) {
      if (!(isKubeApiError(err) && (err.status === 403 || err.status === 404))) throw err;
      errors.push({ source: 'helm', message: `Helm release ${storage}s (label owner=helm): ${(err as Error).message}` });
    }
  }
  const current = currentHelmRecords(stored);
  for (const s of current) {
    const where = recordWhere(s);
    const fallback = { name: s.release, namespace: s.namespace, revision: s.revision };
    let rel;
    try {
      rel = decodeHelmRecord(s.storage, s.value ?? '');
    } catch (err) {
      errors.push({ source: 'helm', release: fallback, message: `cannot decode the release record in ${where}: ${(err as Error).message}` });
      continue;
    }
    const release = { name: rel.name || fallback.name, namespace: rel.namespace || fallback.namespace, revision: rel.revision || fallback.revision };
    // currentHelmRecords picks a record not labelled deployed only when no revision of the release is.
    const origin = `Helm record ${where}${s.status === 'deployed' ? '' : `, status ${s.status ?? rel.status}: no revision of this release is deployed`}`;
    const parsed = parseManifestText(rel.manifest, false);
    for (const e of parsed.errors) errors.push({ source: 'helm', release, line: e.line, message: `${e.message} (${origin})` });
    objects += parsed.objects.length;
    for (const o of parsed.objects) {
      const identity = {
        source: 'helm' as const,
        release,
        ...(o.template ? { file: o.template } : {}),
        line: o.line,
        apiVersion: o.apiVersion,
        kind: o.kind,
        namespace: o.namespace ?? release.namespace,
        ...(o.name !== undefined ? { name: o.name } : {}),
      };
      for (const f of objectFindings(o, target, identity)) findings.push({ ...f, message: `${f.message} (${origin})` });
    }
  }
  return { findings, errors, releases: current.length, objects };
}
