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

/** What one input gave: its findings, its input errors and how many objects it held. */
export interface InputResult {
  readonly findings: Finding[];
  readonly errors: InputError[];
  readonly objects: number;
}

/** Read, parse and assess one input (a file, stdin or a chart directory); only its findings are kept. */
export function assessInput(f: InputFile, target: number, stdin: () => string = readStdin): InputResult {
  const findings: Finding[] = [];
  const errors: InputError[] = [];
  let text: string;
  try {
    if (f.helm) {
      const r = renderChart(f.helm, f.name);
      if ('error' in r) return { findings, errors: [{ source: 'manifest', file: f.name, message: r.error }], objects: 0 };
      text = r.text;
    } else text = f.name === '-' ? stdin() : readFileSync(f.name, 'utf8');
  } catch (err) {
    if (err instanceof PlinthError) throw err;
    return { findings, errors: [{ source: 'manifest', file: f.name, message: `cannot read: ${(err as Error).message}` }], objects: 0 };
  }
  const parsed = parseManifestText(text, f.json);
  for (const e of parsed.errors) errors.push({ source: 'manifest', file: f.name, line: e.line, message: e.message });
  for (const o of parsed.objects) {
    const id = manifestIdentity(f.name, o);
    const found = objectFindings(o, target, f.helm ? chartIdentity(f.name, o.template, id) : id);
    for (const x of found) findings.push(x);
  }
  return { findings, errors, objects: parsed.objects.length };
}

/** The results of the inputs, in input order, as one. */
export function mergeResults(results: readonly InputResult[]): FilesResult {
  const findings: Finding[] = [];
  const errors: InputError[] = [];
  let objects = 0;
  for (const r of results) {
    for (const x of r.findings) findings.push(x);
    for (const e of r.errors) errors.push(e);
    objects += r.objects;
  }
  return { findings, errors, files: results.length, objects };
}

export function assessFiles(inputs: readonly InputFile[], target: number, stdin: () => string = readStdin): FilesResult {
  return mergeResults(inputs.map((f) => assessInput(f, target, stdin)));
}
