/**
 * Which files `-f` names: files as given, directories walked recursively for .yaml/.yml/.json (in name
 * order), `-` for stdin. A path that does not exist is refused before anything is read.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PlinthError } from '../../../errors/index.js';
import { helmOnPath, isChartDir } from './chart.js';

export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

export interface InputFile {
  /** As shown in findings: the path, or `-` for stdin. */
  readonly name: string;
  readonly json: boolean;
  /** A Helm chart directory, rendered with this helm binary (see chart.ts). */
  readonly helm?: string;
}

const isManifest = (n: string): boolean => MANIFEST_EXTENSIONS.some((e) => n.toLowerCase().endsWith(e));

function walk(dir: string, out: InputFile[], helm: string | undefined): void {
  if (helm && isChartDir(dir)) {
    out.push({ name: dir, json: false, helm });
    return;
  }
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out, helm);
    else if (e.isFile() && isManifest(e.name)) out.push({ name: p, json: e.name.toLowerCase().endsWith('.json') });
  }
}

/** Expand `-f` arguments into the files to read; stdin at most once. */
export function collectInputs(paths: readonly string[]): InputFile[] {
  const out: InputFile[] = [];
  const helm = helmOnPath();
  let stdin = false;
  for (const p of paths) {
    if (p === '-') {
      if (!stdin) out.push({ name: '-', json: false });
      stdin = true;
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch (err) {
      throw new PlinthError('UPGRADE_ASSESS_INPUT', { path: p, detail: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message, fix: 'check the -f path' }, { cause: err });
    }
    if (st.isDirectory()) walk(p, out, helm);
    else out.push({ name: p, json: p.toLowerCase().endsWith('.json') });
  }
  return out;
}
