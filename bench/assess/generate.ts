/**
 * The assess benchmark's corpus: N objects of realistic sizes (./corpus.ts) laid out as repositories lay
 * them out: most files hold one object, some a handful, a few are bundles of hundreds (operator installs,
 * rendered charts); about 3% of the files are `kind: List` documents and 5% are JSON (an object or a List),
 * in directories of 100 files. About 2% of the objects use removed API versions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringifyKubeYaml } from '../../src/kube/yaml.js';
import { logUniform, makeObject, rng } from './corpus.js';

export interface Corpus {
  /** Objects on removed API versions (what a detector must find). */
  readonly removed: number;
  readonly files: number;
  /** Total size of the files. */
  readonly bytes: number;
}

/** Writes the files under `dir`; deterministic for a given `objects`. */
export function generateManifests(dir: string, objects: number): Corpus {
  const r = rng(22);
  let removed = 0;
  let files = 0;
  let bytes = 0;
  for (let i = 0; i < objects; ) {
    const shape = r();
    const n = Math.min(objects - i, shape < 0.6 ? 1 : shape < 0.85 ? logUniform(r, 2, 10) : shape < 0.97 ? logUniform(r, 10, 100) : logUniform(r, 100, 500));
    const objs: Record<string, unknown>[] = [];
    for (let k = 0; k < n; k++, i++) {
      const o = makeObject(r, i);
      objs.push(o.obj);
      if (o.removed) removed++;
    }
    const form = r();
    const list = { apiVersion: 'v1', kind: 'List', metadata: {}, items: objs };
    let name: string;
    let text: string;
    if (form < 0.05) {
      name = 'objects.json';
      text = JSON.stringify(objs.length === 1 ? objs[0] : list, null, 2) + '\n';
    } else if (form < 0.08 && objs.length > 1) {
      name = 'list.yaml';
      text = stringifyKubeYaml(list);
    } else {
      name = 'manifests.yaml';
      text = objs.map((o) => stringifyKubeYaml(o)).join('---\n');
    }
    const sub = join(dir, `repo-${String(Math.floor(files / 100)).padStart(4, '0')}`);
    if (files % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `${String(files).padStart(6, '0')}-${name}`), text);
    files++;
    bytes += Buffer.byteLength(text);
  }
  return { removed, files, bytes };
}
