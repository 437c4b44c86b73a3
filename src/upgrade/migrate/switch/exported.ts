import { isDeepStrictEqual } from 'node:util';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { removedApi, servedAt } from '../../assess/kb/apis.js';

/** An object as exported (one file per object; index and report files carry no kind and are skipped). */
export interface ExportedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: unknown;
}

const group = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] ?? '' : '');

/** `group/Kind namespace/name`: the same object whatever version it was read in. */
export function objectKey(o: ExportedObject): string {
  return `${group(o.apiVersion) || 'core'}/${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}

function isObject(v: unknown): v is ExportedObject {
  const o = v as ExportedObject | null;
  return typeof o === 'object' && o !== null && typeof o.apiVersion === 'string' && typeof o.kind === 'string' && typeof o.metadata?.name === 'string' && !o.kind.endsWith('List');
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (/\.(ya?ml|json)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** Every object file under an export directory, by objectKey. */
export async function readExported(dir: string): Promise<Map<string, ExportedObject>> {
  const out = new Map<string, ExportedObject>();
  for (const file of await walk(dir)) {
    const text = await readFile(file, 'utf8');
    const docs: unknown[] = file.endsWith('.json') ? [safeJson(text)] : parseAllDocuments(text).map(docValue);
    for (const d of docs) if (isObject(d)) out.set(objectKey(d), d);
  }
  return out;
}

function docValue(d: ReturnType<typeof parseAllDocuments>[number]): unknown {
  if (Array.isArray(d)) return undefined;
  const v: unknown = d.toJS();
  return v;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface ServedFinding {
  apiVersion: string;
  kind: string;
  count: number;
  replacement: string;
}

/** Which exported API versions the target no longer serves (the import converts them). */
export function unservedAt(objects: Iterable<ExportedObject>, minor: number): ServedFinding[] {
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

/** Compare two exports of the same cluster: every object of `before` must be in `after`, equal. */
export function diffExports(before: Map<string, ExportedObject>, after: Map<string, ExportedObject>): ExportDiff {
  const missing: string[] = [];
  const changed: string[] = [];
  for (const [k, o] of before) {
    const a = after.get(k);
    if (!a) missing.push(k);
    else if (!isDeepStrictEqual(o, a)) changed.push(k);
  }
  return { missing, changed, compared: before.size };
}
