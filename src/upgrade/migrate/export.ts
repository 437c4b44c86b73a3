/**
 * `plinth upgrade export`: read every object that defines a cluster's workloads and configuration at
 * the version the source server prefers, strip what its control plane generated, and write one YAML
 * file per object plus an index (written last and atomically, so a half-done export is never taken for
 * a whole one).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KubeClient } from '../../kube/http.js';
import { listPages } from '../../kube/pager.js';
import { apiVersionOf, type KubeObject, type ResourceRef } from '../../kube/resource.js';
import type { ApiResourceInfo } from '../../kube/discovery.js';
import { PlinthError } from '../../errors/index.js';
import { serverVersion, servedResources } from './discover.js';
import { forEachLimit } from './pool.js';
import { objectSkipReason, resourceSkipReason, stripObject } from './rules.js';
import { hashObject, objectPath, writeAtomic } from './store.js';
import { INDEX_FILE, INDEX_FORMAT, OBJECTS_DIR, PROGRESS_FILE, type ExportIndex, type ExportReport, type ExportedResource, type IndexEntry, type MigrateProgress, type SkippedEntry } from './types.js';
import { takeEtcdSnapshot, type EtcdSnapshotOptions } from './etcd-snapshot.js';
import { stringifyKubeYaml } from '../../kube/yaml.js';

export interface ExportOptions {
  client: KubeClient;
  dir: string;
  /** Keep each object's status (default: stripped). */
  includeStatus?: boolean;
  /** Only namespaced objects in these namespaces (and the Namespace objects themselves). */
  namespaces?: string[];
  /** Also save an etcd v3 snapshot to DIR/etcd.snapshot. */
  etcd?: EtcdSnapshotOptions;
  onProgress?: (p: MigrateProgress) => void;
  /** Resources read at once (default 6). */
  concurrency?: number;
  /**
   * Which objects get a file (default: all). The index lists every object with its hash either way, so
   * a check that only compares hashes (the rollback's) writes the files of the objects that differ only.
   */
  writeObject?: (entry: IndexEntry) => boolean;
}

type Obj = KubeObject & Record<string, unknown>;

/** Refuse a directory that holds something other than an earlier export; clear an earlier export. */
async function prepareDir(dir: string): Promise<void> {
  let entries: string[] = [];
  try {
    if (!(await stat(dir)).isDirectory()) throw new PlinthError('UPGRADE_MIGRATE_DIR_UNUSABLE', { dir, detail: 'it is not a directory' });
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const ours = new Set([INDEX_FILE, OBJECTS_DIR, PROGRESS_FILE, 'etcd.snapshot']);
  // Only what an export (or an interrupted one) writes may be there; anything else is someone's.
  const foreign = entries.filter((e) => !ours.has(e) && !e.startsWith(`${INDEX_FILE}.tmp`) && !e.startsWith('etcd.snapshot.tmp'));
  if (foreign.length > 0) {
    throw new PlinthError('UPGRADE_MIGRATE_DIR_UNUSABLE', { dir, detail: `it holds files that are not part of an export (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})` });
  }
  // An earlier export: the index goes first, so an interruption never leaves an index naming files that are gone.
  for (const e of [INDEX_FILE, PROGRESS_FILE, OBJECTS_DIR, 'etcd.snapshot', ...entries]) await rm(join(dir, e), { recursive: true, force: true });
  await mkdir(join(dir, OBJECTS_DIR), { recursive: true });
}

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** Entries whose controlling owner is not among the exported objects (repeated until none is left). */
export function orphansOf(objects: readonly IndexEntry[], controlled: ReadonlyMap<string, { group: string; kind: string; name: string }>): Array<{ entry: IndexEntry; owner: string }> {
  const key = (group: string, kind: string, ns: string, name: string): string => `${group}|${kind}|${ns}|${name}`;
  const present = new Set(objects.map((e) => key(groupOf(e.apiVersion), e.kind, e.namespace ?? '', e.name)));
  const out: Array<{ entry: IndexEntry; owner: string }> = [];
  for (let changed = true; changed; ) {
    changed = false;
    for (const e of objects) {
      const own = controlled.get(e.path);
      const self = key(groupOf(e.apiVersion), e.kind, e.namespace ?? '', e.name);
      if (!own || !present.has(self)) continue;
      if (present.has(key(own.group, own.kind, e.namespace ?? '', own.name)) || present.has(key(own.group, own.kind, '', own.name))) continue;
      present.delete(self);
      out.push({ entry: e, owner: `${own.kind} ${own.name}` });
      changed = true;
    }
  }
  return out;
}

export async function exportCluster(o: ExportOptions): Promise<ExportReport> {
  const started = Date.now();
  const includeStatus = o.includeStatus ?? false;
  const nsFilter = o.namespaces && o.namespaces.length > 0 ? new Set(o.namespaces) : undefined;
  const report = (p: MigrateProgress): void => o.onProgress?.(p);
  report({ phase: 'discover', done: 0, total: 1 });
  const source = await serverVersion(o.client);
  const served = await servedResources(o.client, { localOnly: true });
  await prepareDir(o.dir);

  const skippedResources: SkippedEntry[] = [];
  const wanted: ApiResourceInfo[] = [];
  for (const r of served.resources) {
    const why = resourceSkipReason(r.group, r.plural, r.verbs);
    if (why) continue;
    if (nsFilter && !r.namespaced && !(r.group === '' && r.plural === 'namespaces')) continue;
    wanted.push(r);
  }
  if (served.unavailable.length > 0) {
    for (const u of served.unavailable) skippedResources.push({ apiVersion: u.groupVersion, kind: '*', name: '*', reason: `discovery failed: ${u.detail}` });
  }
  // Services go first: Endpoints of services without a selector are configuration, the rest is not.
  const isServices = (r: ApiResourceInfo): boolean => r.group === '' && r.plural === 'services';
  const isEndpoints = (r: ApiResourceInfo): boolean => r.group === '' && r.plural === 'endpoints';
  wanted.sort((a, b) => Number(isEndpoints(a)) - Number(isEndpoints(b)) || Number(isServices(b)) - Number(isServices(a)));
  const selectorless = new Set<string>();

  const objects: IndexEntry[] = [];
  const controlled = new Map<string, { group: string; kind: string; name: string }>();
  const dirs = new Set<string>();
  const skipped: SkippedEntry[] = [...skippedResources];
  const resources: ExportedResource[] = [];
  let done = 0;
  const writeOne = (r: ApiResourceInfo, item: Obj): void => {
    const apiVersion = apiVersionOf(r);
    item.apiVersion = apiVersion;
    item.kind = r.kind;
    const m = item.metadata ?? {};
    if (isServices(r) && !(item.spec as { selector?: unknown } | undefined)?.selector) selectorless.add(`${m.namespace ?? ''}/${m.name ?? ''}`);
    if (nsFilter && r.plural === 'namespaces' && r.group === '' && !nsFilter.has(m.name ?? '')) return;
    const why = objectSkipReason(r.group, r.kind, item, { selectorlessServices: selectorless });
    if (why) {
      skipped.push({ apiVersion, kind: r.kind, namespace: m.namespace, name: m.name ?? '', reason: why });
      return;
    }
    const clean = stripObject(r.group, r.kind, item, { includeStatus });
    const path = objectPath(r.group, r.kind, m.namespace, m.name ?? '');
    const entry: IndexEntry = { path, apiVersion, kind: r.kind, resource: r.plural, name: m.name ?? '', hash: hashObject(clean) };
    if (m.namespace) entry.namespace = m.namespace;
    const ips = isServices(r) ? allocatedClusterIPs(item) : undefined;
    if (ips) entry.clusterIPs = ips;
    if (o.writeObject?.(entry) ?? true) {
      // Object files need no atomic write: the index, written last, is what makes the export whole.
      // Synchronous writes: for 10,000 small files a tenth of the time fs/promises takes.
      const file = join(o.dir, path);
      const parent = dirname(file);
      if (!dirs.has(parent)) {
        mkdirSync(parent, { recursive: true, mode: 0o700 });
        dirs.add(parent);
      }
      writeFileSync(file, stringifyKubeYaml(clean), { mode: 0o600 });
    }
    objects.push(entry);
    const ctl = (m.ownerReferences ?? []).find((ref) => ref.controller === true);
    if (ctl) controlled.set(path, { group: groupOf(ctl.apiVersion), kind: ctl.kind, name: ctl.name });
  };

  const readResource = async (r: ApiResourceInfo): Promise<void> => {
    const refs: ResourceRef[] = r.namespaced && nsFilter ? [...nsFilter].map((ns) => ({ group: r.group, version: r.version, plural: r.plural, namespace: ns })) : [{ group: r.group, version: r.version, plural: r.plural }];
    let count = 0;
    for (const ref of refs) {
      for await (const page of listPages<Obj>(o.client, ref, { limit: 500 })) {
        for (const item of page.items) {
          const before = objects.length;
          writeOne(r, item);
          if (objects.length > before) count++;
        }
        done += page.items.length;
        report({ phase: 'export', step: `${r.plural}${r.group ? `.${r.group}` : ''}`, done, total: done });
      }
    }
    if (count > 0) resources.push({ apiVersion: apiVersionOf(r), kind: r.kind, resource: r.plural, namespaced: r.namespaced, count });
  };

  const first = wanted.filter(isServices);
  const last = wanted.filter(isEndpoints);
  const middle = wanted.filter((r) => !isServices(r) && !isEndpoints(r));
  await forEachLimit(first, 1, readResource);
  await forEachLimit(middle, o.concurrency ?? 6, readResource);
  await forEachLimit(last, 1, readResource);

  // An object whose controller is not exported is recreated by that controller: leave it out too.
  const orphans = orphansOf(objects, controlled);
  const gone = new Set(orphans.map((x) => x.entry.path));
  for (const { entry: e, owner } of orphans) {
    await rm(join(o.dir, e.path), { force: true });
    skipped.push({ apiVersion: e.apiVersion, kind: e.kind, namespace: e.namespace, name: e.name, reason: `controlled by ${owner}, which is not exported (its controller recreates it)` });
  }
  if (gone.size > 0) objects.splice(0, objects.length, ...objects.filter((e) => !gone.has(e.path)));
  if (gone.size > 0) {
    for (const r of resources) r.count = objects.filter((e) => e.apiVersion === r.apiVersion && e.kind === r.kind).length;
    resources.splice(0, resources.length, ...resources.filter((r) => r.count > 0));
  }

  objects.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  resources.sort((a, b) => `${a.apiVersion}/${a.kind}`.localeCompare(`${b.apiVersion}/${b.kind}`));
  const index: ExportIndex = {
    format: INDEX_FORMAT,
    createdAt: new Date().toISOString(),
    source,
    includeStatus,
    ...(nsFilter ? { namespaces: [...nsFilter].sort() } : {}),
    resources,
    objects,
    skipped,
  };
  if (o.etcd) {
    report({ phase: 'snapshot', done: 0, total: 1 });
    index.etcdSnapshot = await takeEtcdSnapshot(o.etcd, join(o.dir, 'etcd.snapshot'));
  }
  await writeAtomic(join(o.dir, INDEX_FILE), JSON.stringify(index, null, 1) + '\n');
  report({ phase: 'done', done: objects.length, total: objects.length });
  const skippedByReason: Record<string, number> = {};
  for (const s of skipped) skippedByReason[s.reason] = (skippedByReason[s.reason] ?? 0) + 1;
  return {
    dir: o.dir,
    source,
    objects: objects.length,
    resources: resources.length,
    skipped: skipped.length,
    skippedByReason,
    durationMs: Date.now() - started,
    ...(index.etcdSnapshot ? { etcdSnapshot: index.etcdSnapshot } : {}),
  };
}

/** The cluster IPs the source allocated to a Service (none for headless and ExternalName services). */
function allocatedClusterIPs(svc: Obj): string[] | undefined {
  const spec = (svc.spec ?? {}) as { clusterIP?: string; clusterIPs?: string[] };
  const ips = (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).filter((ip) => ip !== '' && ip !== 'None');
  return ips.length > 0 ? ips : undefined;
}
