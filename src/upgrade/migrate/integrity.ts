/**
 * Is the export still what `plinth upgrade export` wrote? Each object file has a sha256 in the index and
 * the export a digest over all of them (the `sha256sum` listing of its files, hashed), so a changed, added
 * or removed file is found before the import applies anything (ADR 0016). An export written before the
 * digests existed is checked object by object against the content hash its index already carries.
 *
 * The digests guard against edits of the files, not of the index with them: whoever can rewrite both can
 * rewrite the digests. Against that, compare the digest `export` printed with the one `import` prints.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OBJECTS_DIR, type ExportIndex, type IntegrityReport } from './types.js';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The export's digest: sha256 of `<sha256>  <path>\n` for every file (entries without a digest are not files), in path order (byte order, as `LC_ALL=C sort`). */
export function exportDigest(files: ReadonlyArray<{ path: string; sha256?: string }>): string {
  const sorted = files.filter((f) => f.sha256 !== undefined).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sha256Hex(sorted.map((f) => `${f.sha256!}  ${f.path}\n`).join(''));
}

/** Every file under DIR/objects, as a path relative to DIR (`objects/…`). */
export function objectFilesOnDisk(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(OBJECTS_DIR);
  return out.sort();
}

/**
 * Compares the files with the index. `files`: every file under objects/ with the sha256 of its bytes;
 * `contentHashes`: the parsed objects' content hashes, needed only for an export without file digests.
 * Pure: the caller reads the files.
 */
export function compareWithIndex(index: ExportIndex, files: ReadonlyMap<string, string>, contentHashes: ReadonlyMap<string, string> = new Map()): IntegrityReport {
  const bySha = index.objects.some((e) => e.sha256 !== undefined);
  const listed = new Set(index.objects.map((e) => e.path));
  const modified: string[] = [];
  const removed: string[] = [];
  for (const e of index.objects) {
    const sha = files.get(e.path);
    if (sha === undefined) removed.push(e.path);
    else if (e.sha256 !== undefined ? e.sha256 !== sha : contentHashes.has(e.path) && contentHashes.get(e.path) !== e.hash) modified.push(e.path);
  }
  const added = [...files.keys()].filter((p) => !listed.has(p)).sort();
  const indexModified = index.digest !== undefined && index.digest !== exportDigest(index.objects);
  const warnings: string[] = [];
  if (!bySha && index.objects.length > 0) warnings.push('this export was written by a Plinth without file digests: each object was checked against the content hash in its index instead');
  return {
    digest: exportDigest([...files].map(([path, sha256]) => ({ path, sha256 }))),
    checkedBy: bySha || index.objects.length === 0 ? 'sha256' : 'content-hash',
    modified,
    added,
    removed,
    indexModified,
    warnings,
  };
}

/** The differences, one phrase each (`objects/…/web.yaml modified`), index.json first. */
export function differences(r: IntegrityReport): string[] {
  return [
    ...(r.indexModified ? ['index.json (its digest does not match the file digests it lists)'] : []),
    ...r.modified.map((p) => `${p} modified`),
    ...r.added.map((p) => `${p} added`),
    ...r.removed.map((p) => `${p} removed`),
  ];
}
