/** Assess manifest files: read each input, parse it, and turn its objects into findings. */
import { readFileSync } from 'node:fs';
import { PlinthError } from '../../../errors/index.js';
import { manifestIdentity, objectFindings } from '../objects.js';
import type { Finding, InputError } from '../types.js';
import type { InputFile } from './inputs.js';
import { chartIdentity, renderChart } from './chart.js';
import { parseManifestText } from './manifests.js';

export interface FilesResult {
  readonly findings: Finding[];
  readonly errors: InputError[];
  readonly files: number;
  readonly objects: number;
}

/** Read stdin completely (only when `-` is among the inputs). */
export function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch (err) {
    throw new PlinthError('UPGRADE_ASSESS_INPUT', { path: '-', detail: (err as Error).message, fix: 'pipe the manifests into stdin, or use -f FILE' }, { cause: err });
  }
}

export function assessFiles(inputs: readonly InputFile[], target: number, stdin: () => string = readStdin): FilesResult {
  const findings: Finding[] = [];
  const errors: InputError[] = [];
  let objects = 0;
  for (const f of inputs) {
    let text: string;
    try {
      if (f.helm) {
        const r = renderChart(f.helm, f.name);
        if ('error' in r) {
          errors.push({ source: 'manifest', file: f.name, message: r.error });
          continue;
        }
        text = r.text;
      } else text = f.name === '-' ? stdin() : readFileSync(f.name, 'utf8');
    } catch (err) {
      if (err instanceof PlinthError) throw err;
      errors.push({ source: 'manifest', file: f.name, message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    const parsed = parseManifestText(text, f.json);
    for (const e of parsed.errors) errors.push({ source: 'manifest', file: f.name, line: e.line, message: e.message });
    objects += parsed.objects.length;
    for (const o of parsed.objects) {
      const id = manifestIdentity(f.name, o);
      const found = objectFindings(o, target, f.helm ? chartIdentity(f.name, o.template, id) : id);
      for (const x of found) findings.push(x);
    }
  }
  return { findings, errors, files: inputs.length, objects };
}
