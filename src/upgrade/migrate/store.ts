/**
 * The export directory on disk: one YAML file per object under `objects/`, `index.json` written
 * atomically last, and the import's progress file. Paths, hashing and validation of what is read back.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PlinthError } from '../../errors/index.js';
import { INDEX_FILE, INDEX_FORMAT, OBJECTS_DIR, type ExportIndex, type IndexEntry } from './types.js';
import { writeAtomic as writeFileAtomic } from '../../kube/atomic-file.js';

/** Keys sorted at every level so equal objects serialise equally. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function hashObject(o: unknown): string {
  return createHash('sha256').update(canonicalJson(o)).digest('hex');
}

/** A file-name-safe segment (names are DNS-ish already; this guards ':' in RBAC names and the like). */
function seg(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** `objects/<group|core>/<Kind>/<namespace|_cluster>/<name>.yaml` */
export function objectPath(group: string, kind: string, namespace: string | undefined, name: string): string {
  return [OBJECTS_DIR, seg(group || 'core'), seg(kind), namespace ? seg(namespace) : '_cluster', `${seg(name)}.yaml`].join('/');
}

/** Write a file atomically: a temporary sibling, then rename. Owner-only: exports hold secrets. */
export async function writeAtomic(path: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, data, { mode: 0o600 });
}

function invalid(dir: string, detail: string): PlinthError {
  return new PlinthError('UPGRADE_MIGRATE_INDEX_INVALID', { path: join(dir, INDEX_FILE), detail });
}

/** Read and validate `DIR/index.json`; every problem is one clear error naming the file. */
export async function readIndex(dir: string): Promise<ExportIndex> {
  let text: string;
  try {
    text = await readFile(join(dir, INDEX_FILE), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw invalid(dir, code === 'ENOENT' ? 'the file does not exist (is this an export directory? run `plinth upgrade export -d DIR` first)' : `cannot read it: ${code ?? String(err)}`);
  }
  let idx: ExportIndex;
  try {
    idx = JSON.parse(text) as ExportIndex;
  } catch (err) {
    throw invalid(dir, `not valid JSON: ${(err as Error).message}`);
  }
  if (idx === null || typeof idx !== 'object') throw invalid(dir, 'not a JSON object');
  const format: unknown = (idx as { format?: unknown }).format;
  if (format !== INDEX_FORMAT) throw invalid(dir, `format is ${JSON.stringify(format)}, expected "${INDEX_FORMAT}"`);
  if (!idx.source || typeof idx.source.minor !== 'number' || typeof idx.source.gitVersion !== 'string') throw invalid(dir, 'source.minor/source.gitVersion missing');
  if (!Array.isArray(idx.objects)) throw invalid(dir, 'objects is not a list');
  if (!Array.isArray(idx.skipped)) idx.skipped = [];
  if (!Array.isArray(idx.resources)) idx.resources = [];
  const seen = new Set<string>();
  idx.objects.forEach((e: IndexEntry, i) => {
    const bad = (what: string): never => {
      throw invalid(dir, `objects[${i}]: ${what}`);
    };
    if (!e || typeof e !== 'object') bad('not an object');
    for (const k of ['path', 'apiVersion', 'kind', 'resource', 'name', 'hash'] as const) if (typeof e[k] !== 'string' || e[k] === '') bad(`${k} missing`);
    if (e.path.includes('..') || e.path.startsWith('/')) bad(`path ${e.path} leaves the export directory`);
    if (e.clusterIPs !== undefined && (!Array.isArray(e.clusterIPs) || e.clusterIPs.some((ip) => typeof ip !== 'string' || ip === ''))) bad('clusterIPs is not a list of IP addresses');
    if (seen.has(e.path)) bad(`path ${e.path} listed twice`);
    seen.add(e.path);
  });
  return idx;
}
