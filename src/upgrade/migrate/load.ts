/**
 * The import's first step: read the export's object files, check them against the index (integrity.ts)
 * before anything is applied, and parse them into the items the import applies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlinthError } from '../../errors/index.js';
import { parseKubeYaml } from '../../kube/yaml.js';
import { compareWithIndex, differences, objectFilesOnDisk, sha256Hex } from './integrity.js';
import { hashObject } from './store.js';
import type { Obj } from './target.js';
import type { ExportIndex, IndexEntry, IntegrityReport } from './types.js';

/** One object to import: its index entry, the object read from its file, and its content hash. */
export interface Item {
  entry: IndexEntry;
  object: Obj;
  hash: string;
}

/**
 * Reads every object file under objects/ (the index's and any other) with the sha256 of its bytes.
 * Synchronous reads: for 10,000 small files readFileSync takes a tenth of the time fs/promises does (each
 * promise read is four thread-pool round trips).
 */
function readObjectFiles(dir: string, index: ExportIndex): { texts: Map<string, string>; shas: Map<string, string> } {
  const texts = new Map<string, string>();
  const shas = new Map<string, string>();
  const paths = new Set([...objectFilesOnDisk(dir), ...index.objects.map((e) => e.path)]);
  for (const path of paths) {
    let data: Buffer;
    try {
      data = readFileSync(join(dir, path));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      throw new PlinthError('UPGRADE_MIGRATE_OBJECT_INVALID', { path: join(dir, path), detail: `cannot read it (${code ?? String(err)})` });
    }
    texts.set(path, data.toString('utf8'));
    shas.set(path, sha256Hex(data));
  }
  return { texts, shas };
}

/** Parses one object file; it must be the object its entry names. */
function parseItem(dir: string, entry: IndexEntry, text: string): Item {
  const file = join(dir, entry.path);
  let object: Obj;
  try {
    object = parseKubeYaml(text) as Obj;
  } catch (err) {
    throw new PlinthError('UPGRADE_MIGRATE_OBJECT_INVALID', { path: file, detail: `not valid YAML: ${(err as Error).message.split('\n')[0]}` });
  }
  if (!object || typeof object !== 'object' || object.metadata?.name !== entry.name || object.kind !== entry.kind) {
    throw new PlinthError('UPGRADE_MIGRATE_OBJECT_INVALID', { path: file, detail: `expected ${entry.kind} ${entry.name} as the index says` });
  }
  return { entry, object, hash: hashObject(object) };
}

/** An index entry for a file the index does not list (applied only with allowModified), from the object in it. */
function entryForAdded(dir: string, path: string, text: string): IndexEntry {
  let o: Obj | undefined;
  try {
    o = parseKubeYaml(text) as Obj;
  } catch (err) {
    throw new PlinthError('UPGRADE_MIGRATE_OBJECT_INVALID', { path: join(dir, path), detail: `not valid YAML: ${(err as Error).message.split('\n')[0]}` });
  }
  if (!o || typeof o !== 'object' || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') {
    throw new PlinthError('UPGRADE_MIGRATE_OBJECT_INVALID', { path: join(dir, path), detail: 'not a Kubernetes object (apiVersion, kind and metadata.name); it is not listed in the index either: remove it' });
  }
  return { path, apiVersion: o.apiVersion, kind: o.kind, resource: '', name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), hash: hashObject(o) };
}

/** Parses every object file the index lists and that is there, yielding every 500 files so that progress is shown. */
async function loadItems(dir: string, entries: readonly IndexEntry[], texts: ReadonlyMap<string, string>, onLoaded: (n: number) => void): Promise<Item[]> {
  const items: Item[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const text = texts.get(entry.path);
    if (text !== undefined) items.push(parseItem(dir, entry, text));
    if ((i + 1) % 500 === 0) {
      onLoaded(i + 1);
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  return items;
}

/**
 * Refuses an export whose files differ from its index (integrity.ts), naming them, unless the caller
 * allows it; then the differences become warnings of the report.
 */
function refuseOrWarn(dir: string, integrity: IntegrityReport, allowModified: boolean): void {
  const diffs = differences(integrity);
  if (diffs.length === 0) return;
  const listed = `${diffs.slice(0, 5).join('; ')}${diffs.length > 5 ? `; and ${diffs.length - 5} more` : ''}`;
  if (!allowModified) throw new PlinthError('UPGRADE_MIGRATE_EXPORT_MODIFIED', { dir, count: diffs.length, files: listed });
  integrity.warnings.push(`importing an export that differs from its index in ${diffs.length} file${diffs.length === 1 ? '' : 's'} (--allow-modified): ${listed}`);
}

/**
 * Reads the export and checks it against its index before anything is applied: with file digests the
 * check comes before parsing; an older export is checked object by object once parsed.
 */
export async function loadCheckedItems(dir: string, index: ExportIndex, allowModified: boolean, onLoaded: (n: number) => void): Promise<{ items: Item[]; integrity: IntegrityReport }> {
  const { texts, shas } = readObjectFiles(dir, index);
  const bySha = index.objects.some((e) => e.sha256 !== undefined);
  let integrity = compareWithIndex(index, shas);
  if (bySha) refuseOrWarn(dir, integrity, allowModified);
  const items = await loadItems(dir, index.objects, texts, onLoaded);
  if (!bySha) {
    integrity = compareWithIndex(index, shas, new Map(items.map((it) => [it.entry.path, it.hash])));
    refuseOrWarn(dir, integrity, allowModified);
  }
  for (const path of integrity.added) items.push(parseItem(dir, entryForAdded(dir, path, texts.get(path)!), texts.get(path)!));
  return { items, integrity };
}
