// kustomize reads any directory a kustomization names (`resources: [../../x]`) and fetches remote bases, so
// before `kustomize build` every kustomization reachable from the delivered one is checked: what it names
// must stay inside the repository's checkout, and nothing may be fetched from a URL.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parseKubeYaml } from '../../kube/yaml.js';
import { kustomizationFile, renderError } from './render.js';

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\/|^git@|^github\.com\/|^gitlab\.com\/|^bitbucket\.org\/|\?ref=|\/\/.*\?/i;
const LISTS = ['resources', 'bases', 'components'] as const;

/** Throws FLEET_RENDER_FAILED when a kustomization reachable from `dir` names a URL or a path outside `root`. */
export async function checkKustomizeRefs(root: string, dir: string): Promise<void> {
  const realRoot = await realpath(root);
  const inside = (p: string): boolean => p === realRoot || p.startsWith(realRoot + sep);
  const seen = new Set<string>();
  const queue = [await realpath(dir === '' ? root : join(root, dir))];
  while (queue.length > 0) {
    const abs = queue.shift()!;
    if (seen.has(abs)) continue;
    seen.add(abs);
    const k = kustomizationFile(readdirSync(abs));
    if (!k) continue;
    const where = relative(realRoot, join(abs, k)).split(sep).join('/');
    let doc: unknown;
    try {
      doc = parseKubeYaml(await readFile(join(abs, k), 'utf8'));
    } catch {
      continue; // kustomize reports the malformed file itself
    }
    if (typeof doc !== 'object' || doc === null) continue;
    for (const list of LISTS) {
      const entries = (doc as Record<string, unknown>)[list];
      if (!Array.isArray(entries)) continue;
      for (const e of entries) {
        if (typeof e !== 'string') continue;
        if (REMOTE.test(e)) throw renderError(dir, where, `${list} entry "${e}" is remote; the hub renders only what the repository holds (vendor it into the repository)`);
        const target = resolve(abs, e);
        if (!existsSync(target)) continue; // kustomize names the missing file itself
        const real = await realpath(target);
        if (!inside(real)) throw renderError(dir, where, `${list} entry "${e}" leaves the repository`);
        if (statSync(real).isDirectory()) queue.push(real);
      }
    }
  }
}
