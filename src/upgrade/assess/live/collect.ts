/**
 * Read a live cluster for an assessment: objects of the kinds that had removed versions (with their
 * managedFields), the deprecated-API metric, RBAC roles, webhook configurations, CRDs, nodes, kube-system
 * control-plane pods and (with --helm) Helm release Secrets. Everything is read-only GETs.
 */
import { Discovery } from '../../../kube/discovery.js';
import type { KubeClient } from '../../../kube/http.js';
import { ref, type ResourceRef } from '../../../kube/resource.js';
import { isKubeApiError } from '../../../kube/api-error.js';
import { decodeHelmRelease } from '../helm.js';
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
        if (!info) continue;
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

/** The newest revision of every Helm release stored as Secrets, decoded and scanned. */
export async function assessHelm(client: KubeClient, target: number): Promise<HelmResult> {
  const findings: Finding[] = [];
  const errors: InputError[] = [];
  let objects = 0;
  const secrets = await listAll<LiveObject & { data?: Record<string, string>; type?: string }>(client, ref('v1', 'secrets'), 'owner=helm', 'type=helm.sh/release.v1');
  const newest = new Map<string, (typeof secrets)[number]>();
  for (const s of secrets) {
    const key = `${s.metadata?.namespace}/${s.metadata?.labels?.name}`;
    const rev = Number(s.metadata?.labels?.version ?? 0);
    const prev = newest.get(key);
    if (!prev || Number(prev.metadata?.labels?.version ?? 0) < rev) newest.set(key, s);
  }
  for (const s of newest.values()) {
    const fallback = { name: s.metadata?.labels?.name ?? s.metadata?.name ?? '?', namespace: s.metadata?.namespace ?? '', revision: Number(s.metadata?.labels?.version ?? 0) };
    let rel;
    try {
      rel = decodeHelmRelease(s.data?.release ?? '');
    } catch (err) {
      errors.push({ source: 'helm', release: fallback, message: `cannot decode the release record in Secret ${s.metadata?.namespace}/${s.metadata?.name}: ${(err as Error).message}` });
      continue;
    }
    const release = { name: rel.name || fallback.name, namespace: rel.namespace || fallback.namespace, revision: rel.revision || fallback.revision };
    const parsed = parseManifestText(rel.manifest, false);
    for (const e of parsed.errors) errors.push({ source: 'helm', release, line: e.line, message: e.message });
    objects += parsed.objects.length;
    for (const o of parsed.objects) {
      findings.push(
        ...objectFindings(o, target, {
          source: 'helm',
          release,
          ...(o.template ? { file: o.template } : {}),
          line: o.line,
          apiVersion: o.apiVersion,
          kind: o.kind,
          namespace: o.namespace ?? release.namespace,
          ...(o.name !== undefined ? { name: o.name } : {}),
        }),
      );
    }
  }
  return { findings, errors, releases: newest.size, objects };
}
