// Rendering one directory of a checked-out commit into artifact objects: a kustomization → `kustomize build`,
// else every YAML/JSON file under it (./render.ts decides what they mean).
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { KubeObject } from '../artifact.js';
import { kustomizeBuild } from './kustomize.js';
import { checkKustomizeRefs } from './kustomize-refs.js';
import { isManifestFile, kustomizationFile, parseKustomizeOutput, renderError, renderPlainFiles, type ManifestFile } from './render.js';

export interface RenderOptions {
  onProgress?: (line: string) => void;
}

const repoPath = (root: string, abs: string): string => relative(root, abs).split(sep).join('/');

/**
 * Every YAML/JSON file under `abs`, by repository path. Hidden entries (`.github/…`), symbolic links and
 * sub-directories holding their own kustomization are left out (point a delivery at such a directory).
 */
async function collect(root: string, abs: string, out: ManifestFile[]): Promise<void> {
  const entries = await readdir(abs, { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(abs, e.name);
    if (e.isDirectory()) {
      if (kustomizationFile(await readdir(p))) continue;
      await collect(root, p, out);
    } else if (e.isFile() && isManifestFile(e.name)) {
      out.push({ path: repoPath(root, p), text: await readFile(p, 'utf8') });
    }
  }
}

/** The objects of directory `dir` ("" = the root) of the checked-out tree `root`; throws FLEET_RENDER_FAILED. */
export async function renderDirectory(root: string, dir: string, opts: RenderOptions = {}): Promise<KubeObject[]> {
  const abs = dir === '' ? root : join(root, dir);
  let st;
  try {
    st = await lstat(abs);
  } catch {
    throw renderError(dir, dir || '/', 'no such directory at this commit');
  }
  if (!st.isDirectory()) throw renderError(dir, dir, 'not a directory (a symbolic link or a file)');
  const real = await realpath(abs);
  const realRoot = await realpath(root);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) throw renderError(dir, dir, 'it leaves the repository');
  const names = await readdir(abs);
  const k = kustomizationFile(names);
  if (k) {
    const where = dir === '' ? k : `${dir}/${k}`;
    await checkKustomizeRefs(root, dir);
    const built = await kustomizeBuild(abs, opts);
    if (!built.ok) throw renderError(dir, where, `kustomize build: ${built.message}`);
    return parseKustomizeOutput(built.yaml, where, dir);
  }
  const files: ManifestFile[] = [];
  await collect(root, abs, files);
  return renderPlainFiles(files, dir);
}
