/**
 * `plinth upgrade export`: read every object that defines a cluster's workloads and configuration at
 * the version the source server prefers, strip what its control plane generated, and write one YAML
 * file per object plus an index (written last and atomically, so a half-done export is never taken for
 * a whole one).
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
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
  const foreign = entries.filter((e) => !ours.has(e) && !e.startsWith(`${INDEX_FILE}.tmp`));
  if (foreign.length > 0 || (entries.length > 0 && !entries.includes(INDEX_FILE))) {
    throw new PlinthError('UPGRADE_MIGRATE_DIR_UNUSABLE', { dir, detail: `it is not empty and holds no earlier export (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''})` });
  }
  // An earlier export: the index goes first, so an interruption never leaves an index naming files that are gone.
  for (const e of [INDEX_FILE, PROGRESS_FILE, OBJECTS_DIR, 'etcd.snapshot']) await rm(join(dir, e), { recursive: true, force: true });
  await mkdir(join(dir, OBJECTS_DIR), { recursive: true });
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
  const skipped: SkippedEntry[] = [...skippedResources];
  const resources: ExportedResource[] = [];
  let done = 0;
  const writeOne = async (r: ApiResourceInfo, item: Obj): Promise<void> => {
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
    await writeAtomic(join(o.dir, path), stringify(clean, { lineWidth: 0, version: '1.1' }));
    objects.push(entry);
  };

  const readResource = async (r: ApiResourceInfo): Promise<void> => {
    const refs: ResourceRef[] = r.namespaced && nsFilter ? [...nsFilter].map((ns) => ({ group: r.group, version: r.version, plural: r.plural, namespace: ns })) : [{ group: r.group, version: r.version, plural: r.plural }];
    let count = 0;
    for (const ref of refs) {
      for await (const page of listPages<Obj>(o.client, ref, { limit: 500 })) {
        await forEachLimit(page.items, 16, async (item) => {
          const before = objects.length;
          await writeOne(r, item);
          if (objects.length > before) count++;
        });
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
