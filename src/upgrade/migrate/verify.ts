/**
 * Verify an import: every exported object the import did not skip exists on the target, every workload
 * Plinth knows (workload-kinds.ts: Deployment, StatefulSet, DaemonSet, ReplicaSet, CellDeployment) reaches
 * its desired ready count within the timeout, and has the replicas it had on the source (unless an
 * exported HorizontalPodAutoscaler scales it).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeClient } from '../../kube/http.js';
import { listPages } from '../../kube/pager.js';
import type { ApiResourceInfo } from '../../kube/discovery.js';
import { servedResources } from './discover.js';
import { forEachLimit } from '../../kube/pool.js';
import { readIndex } from './store.js';
import { forTarget, TargetApis, type Converter, type Obj } from './target.js';
import { importConverter } from './converter.js';
import { serverVersion } from './discover.js';
import type { ExportIndex, MigrateProgress, ReplicaDifference, VerifyReport, WorkloadReadiness } from './types.js';
import { isReleaseHistory } from './transient.js';
import { isWorkload, specReplicas } from './workload-kinds.js';
import { parseKubeYaml } from '../../kube/yaml.js';
import { sleep } from '../../kube/clock.js';

/**
 * Workloads an exported HorizontalPodAutoscaler scales (`Kind|namespace|name`): their replicas are the
 * autoscaler's to set, on the target as on the source, so they are not compared.
 */
async function scaledByHpa(dir: string, index: ExportIndex): Promise<Set<string>> {
  const out = new Set<string>();
  for (const e of index.objects) {
    if (e.kind !== 'HorizontalPodAutoscaler') continue;
    try {
      const hpa = parseKubeYaml(await readFile(join(dir, e.path), 'utf8')) as { spec?: { scaleTargetRef?: { kind?: string; name?: string } } };
      const ref = hpa?.spec?.scaleTargetRef;
      if (ref?.kind && ref.name) out.add(`${ref.kind}|${e.namespace ?? ''}|${ref.name}`);
    } catch {
      // A file the import could not read failed there; nothing to exempt here.
    }
  }
  return out;
}

export interface VerifyOptions {
  client: KubeClient;
  dir: string;
  /** How long workloads may take to become ready (default 120 s). */
  timeoutMs?: number;
  onProgress?: (p: MigrateProgress) => void;
  convert?: Converter;
}

/** Desired and ready counts of a workload from its spec and status. */
export function readiness(kind: string, o: Obj): { desired: number; ready: number; observed: boolean } {
  const spec = (o.spec ?? {}) as { replicas?: number };
  const st = (o.status ?? {}) as Record<string, number | undefined>;
  const observed = (st.observedGeneration ?? 0) >= (o.metadata?.generation ?? 0);
  if (kind === 'DaemonSet') return { desired: st.desiredNumberScheduled ?? 0, ready: st.numberReady ?? 0, observed };
  return { desired: spec.replicas ?? 1, ready: st.readyReplicas ?? 0, observed };
}

export async function verifyImport(o: VerifyOptions): Promise<VerifyReport> {
  const started = Date.now();
  const index = await readIndex(o.dir);
  const target = await serverVersion(o.client);
  const apis = new TargetApis((await servedResources(o.client)).byGroupVersion);
  const convert = o.convert ?? importConverter;
  const expected = new Map<string, { info: ApiResourceInfo; apiVersion: string; kind: string; namespace?: string; name: string; replicas?: number }>();
  const scaled = await scaledByHpa(o.dir, index);
  for (const e of index.objects) {
    if (isReleaseHistory(e.apiVersion, e.kind)) continue;
    const c = forTarget({ apiVersion: e.apiVersion, kind: e.kind, metadata: { name: e.name, namespace: e.namespace } }, target.minor, apis, convert);
    if ('skip' in c) continue;
    const ns = c.info.namespaced ? e.namespace : undefined;
    expected.set(`${c.info.group}|${c.info.plural}|${ns ?? ''}|${e.name}`, { info: c.info, apiVersion: e.apiVersion, kind: e.kind, namespace: ns, name: e.name, replicas: e.replicas });
  }
  const resources = new Map<string, ApiResourceInfo>();
  for (const v of expected.values()) resources.set(`${v.info.group}|${v.info.plural}`, v.info);

  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  let present = new Set<string>();
  let notReady: WorkloadReadiness[] = [];
  let replicas: ReplicaDifference[] = [];
  let workloads = 0;
  for (;;) {
    present = new Set<string>();
    notReady = [];
    replicas = [];
    workloads = 0;
    await forEachLimit([...resources.values()], 4, async (info) => {
      const workload = isWorkload(info.group, info.kind);
      for await (const page of listPages<Obj>(o.client, { group: info.group, version: info.version, plural: info.plural }, { limit: 1000 })) {
        for (const it of page.items) {
          const ns = info.namespaced ? it.metadata?.namespace : undefined;
          const key = `${info.group}|${info.plural}|${ns ?? ''}|${it.metadata?.name ?? ''}`;
          const want = expected.get(key);
          if (!want) continue;
          present.add(key);
          if (!workload) continue;
          workloads++;
          const id = { apiVersion: `${info.group}/${info.version}`, kind: info.kind, namespace: ns ?? '', name: it.metadata?.name ?? '' };
          const r = readiness(info.kind, it);
          if (!r.observed || r.ready < r.desired) notReady.push({ ...id, desired: r.desired, ready: r.ready });
          const now = specReplicas(info.kind, it);
          if (want.replicas !== undefined && now !== undefined && now !== want.replicas && !scaled.has(`${info.kind}|${id.namespace}|${id.name}`)) replicas.push({ ...id, source: want.replicas, target: now });
        }
      }
    });
    o.onProgress?.({ phase: 'verify', step: 'workloads ready', done: workloads - notReady.length, total: workloads });
    if ((present.size === expected.size && notReady.length === 0) || Date.now() > deadline) break;
    await sleep(1000);
  }
  const missing = [...expected.entries()].filter(([k]) => !present.has(k)).map(([, v]) => ({ apiVersion: v.apiVersion, kind: v.kind, ...(v.namespace ? { namespace: v.namespace } : {}), name: v.name }));
  const byName = (a: { kind: string; namespace: string; name: string }, b: typeof a): number => `${a.kind}/${a.namespace}/${a.name}`.localeCompare(`${b.kind}/${b.namespace}/${b.name}`);
  notReady.sort(byName);
  replicas.sort(byName);
  return {
    dir: o.dir,
    expected: expected.size,
    present: present.size,
    missing,
    workloads: { total: workloads, ready: workloads - notReady.length, notReady },
    replicas,
    ok: missing.length === 0 && notReady.length === 0 && replicas.length === 0,
    durationMs: Date.now() - started,
  };
}
