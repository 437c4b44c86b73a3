// The shipped CLI (dist/, built here as `npm run build` does) on more than 8 MB of manifests, which it reads
// on worker threads (src/upgrade/assess/scan/parallel.ts loads dist/…/worker.js): the run succeeds and its
// report has the findings, input errors (in input order) and object count of a single-thread read.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { assessFiles } from '../src/upgrade/assess/scan/files.js';
import { collectInputs } from '../src/upgrade/assess/scan/inputs.js';
import type { Report } from '../src/upgrade/assess/types.js';

const ROOT = resolve(import.meta.dirname, '..');
const MAIN = join(ROOT, 'dist', 'app', 'cli', 'main.js');

before(() => {
  const b = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(b.status, 0, `npm run build failed: ${b.stdout}${b.stderr}`);
});

/** 11 MB: 40 files of 20 ConfigMaps with a 14 KB data block, a removed CronJob in each, two bad files. */
function corpus(): string {
  const dir = mkdtempSync(join(tmpdir(), 'assess-parallel-'));
  const block = `    ${'line of a big config file\n    '.repeat(460)}end\n`;
  for (let f = 0; f < 40; f++) {
    const sub = join(dir, `repo-${f % 4}`);
    mkdirSync(sub, { recursive: true });
    const docs = Array.from({ length: 20 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${f}-${i}\ndata:\n  config: |\n${block}`);
    docs.push(`apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: job-${f}\n`);
    writeFileSync(join(sub, `f${f}.yaml`), docs.join('---\n'));
  }
  writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: [x\n');
  writeFileSync(join(dir, 'dup.yaml'), 'apiVersion: extensions/v1beta1\nkind: Ingress\nkind: Ingress\nmetadata: {name: i}\n');
  return dir;
}

test('more than 8 MB: the built CLI reads on worker threads and reports what one thread reads', () => {
  const dir = corpus();
  const r = spawnSync(process.execPath, [MAIN, 'upgrade', 'assess', '--to', '1.34', '-f', dir, '-o', 'json'], { encoding: 'utf8', timeout: 120_000, maxBuffer: 1 << 28 });
  assert.equal(r.status, 1, r.stderr);
  const rep = JSON.parse(r.stdout) as Report;
  const one = assessFiles(collectInputs([dir]), 34);
  assert.equal(rep.sources.objects, 40 * 21 + 1);
  assert.equal(rep.sources.objects, one.objects);
  assert.deepEqual(rep.errors, one.errors);
  assert.deepEqual(rep.errors.map((e) => [e.file?.slice(dir.length + 1), e.line]), [['broken.yaml', 2], ['dup.yaml', 3]]);
  const key = (f: { code: string; identity: { file?: string; line?: number } }): string => `${f.code} ${f.identity.file}:${f.identity.line}`;
  assert.deepEqual(rep.findings.map(key).sort(), one.findings.map(key).sort());
  assert.equal(rep.findings.filter((f) => f.code === 'removed-api').length, 41);
});
