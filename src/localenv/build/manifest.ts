/**
 * The manifest written last into a cache entry: an entry is used only when its manifest exists
 * and matches the current pins, so a half-finished or outdated build is never picked up.
 */
import { access, constants, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ComponentName } from './paths.js';

export const MANIFEST_SCHEMA = 1;

/** What an entry must have been built from to be reused. */
export interface ManifestKey {
  component: ComponentName;
  version: string;
  goToolchain: string;
  recipe: number;
  /** The component's own recipe revision (absent = 0), bumped when only its build changed. */
  revision?: number;
  /** Binary file names inside the entry. */
  files: readonly string[];
}

export interface Manifest extends ManifestKey {
  schema: typeof MANIFEST_SCHEMA;
  /** ISO time the entry was installed. */
  builtAt: string;
  /** Seconds each step took, e.g. { build: 512.3 }. */
  stepSeconds: Record<string, number>;
  /** First line of each binary's `--version`. */
  versionOutput: Record<string, string>;
}

/** Whether a parsed manifest (anything) describes exactly the entry `want` asks for. */
export function manifestMatches(m: unknown, want: ManifestKey): m is Manifest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  if (r.schema !== MANIFEST_SCHEMA) return false;
  if (r.component !== want.component || r.version !== want.version) return false;
  if (r.goToolchain !== want.goToolchain || r.recipe !== want.recipe) return false;
  if ((r.revision ?? 0) !== (want.revision ?? 0)) return false;
  if (typeof r.builtAt !== 'string' || Number.isNaN(Date.parse(r.builtAt))) return false;
  const files = r.files;
  if (!Array.isArray(files) || files.length !== want.files.length) return false;
  return want.files.every((f) => files.includes(f));
}

/** Reads `<dir>/manifest.json`; undefined when absent or not JSON. */
export async function readManifest(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export async function writeManifest(file: string, m: Manifest): Promise<void> {
  await writeFile(file, `${JSON.stringify(m, null, 2)}\n`);
}

/**
 * The valid manifest of the entry in `dir` (every binary present and executable), or undefined.
 * `notBefore` rejects entries installed earlier (a forced rebuild).
 */
export async function validEntry(
  dir: string,
  manifestFile: string,
  want: ManifestKey,
  notBefore?: Date,
): Promise<Manifest | undefined> {
  const m = await readManifest(manifestFile);
  if (!manifestMatches(m, want)) return undefined;
  if (notBefore && Date.parse(m.builtAt) < notBefore.getTime()) return undefined;
  for (const f of want.files) {
    try {
      await access(join(dir, f), constants.X_OK);
    } catch {
      return undefined;
    }
  }
  return m;
}
