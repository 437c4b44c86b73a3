import { removedApi, servedAt } from '../../assess/kb/apis.js';
import type { ExportIndex, IndexEntry } from '../types.js';

/** What the comparison needs of an exported object. */
export interface ExportedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

const group = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] ?? '' : '');

/** `group/Kind namespace/name`: the same object whatever version it was read in. */
export function objectKey(o: ExportedObject): string {
  return `${group(o.apiVersion) || 'core'}/${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

export interface ServedFinding {
  apiVersion: string;
  kind: string;
  count: number;
  replacement: string;
}

/** Which exported API versions the target no longer serves (the import converts them). */
export function unservedAt(objects: Iterable<{ apiVersion: string; kind: string }>, minor: number): ServedFinding[] {
  const by = new Map<string, ServedFinding>();
  for (const o of objects) {
    if (servedAt(o.apiVersion, o.kind, minor)) continue;
    const k = `${o.apiVersion}/${o.kind}`;
    const r = removedApi(o.apiVersion, o.kind)?.replacement;
    const f = by.get(k) ?? { apiVersion: o.apiVersion, kind: o.kind, count: 0, replacement: r ? `${r.apiVersion} ${r.kind}` : 'none' };
    f.count++;
    by.set(k, f);
  }
  return [...by.values()].sort((a, b) => `${a.apiVersion}/${a.kind}`.localeCompare(`${b.apiVersion}/${b.kind}`));
}

export interface ExportDiff {
  missing: string[];
  changed: string[];
  compared: number;
}

/**
 * Compare two exports of the same cluster through their indexes (each entry carries the sha256 of
 * its object, so no file is read): every object of `before` must be in `after`, with the same hash.
 */
export function diffIndexes(before: ExportIndex, after: ExportIndex): ExportDiff {
  const key = (e: IndexEntry): string => objectKey({ apiVersion: e.apiVersion, kind: e.kind, metadata: { name: e.name, ...(e.namespace ? { namespace: e.namespace } : {}) } });
  const now = new Map(after.objects.map((e) => [key(e), e.hash]));
  const missing: string[] = [];
  const changed: string[] = [];
  for (const e of before.objects) {
    const h = now.get(key(e));
    if (h === undefined) missing.push(key(e));
    else if (h !== e.hash) changed.push(key(e));
  }
  return { missing, changed, compared: before.objects.length };
}
