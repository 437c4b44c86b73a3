import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assessFiles } from './files.js';
import { collectInputs } from './inputs.js';
import { assessFilesInParallel } from './parallel.js';

const CRON = (n: number): string => `apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: c${n}\n  namespace: ns\n`;
const CM = (n: number): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m${n}\ndata:\n  k: "${'x'.repeat(n * 10)}"\n`;

function corpus(): string {
  const dir = mkdtempSync(join(tmpdir(), 'assess-par-'));
  mkdirSync(join(dir, 'b'));
  for (let i = 0; i < 12; i++) writeFileSync(join(dir, i % 2 ? 'b' : '', `f${i}.yaml`), [CM(i), CRON(i), CM(i + 100)].join('---\n'));
  writeFileSync(join(dir, 'broken.yaml'), `${CRON(50)}---\nkind: [x\n---\n${CRON(51)}----\n${CM(1)}`);
  writeFileSync(join(dir, 'dup.yaml'), `${CRON(60)}  name: again\n`);
  writeFileSync(join(dir, 'list.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'i' } }] }, null, 2));
  writeFileSync(join(dir, 'bad.json'), '{"apiVersion": ');
  return dir;
}

test('worker threads give the same report as one thread: findings, input errors in input order, object count', async () => {
  const dir = corpus();
  const inputs = collectInputs([dir]);
  const one = assessFiles(inputs, 25);
  const par = await assessFilesInParallel(inputs, 25, undefined, { workers: 2, minBytes: 0 });
  assert.equal(par.workers, 2, 'the files were read by two workers');
  const { workers: _w, ...rest } = par;
  assert.deepEqual(rest, one);
  assert.equal(one.objects, 12 * 3 + 3 + 1 + 1);
  assert.deepEqual(one.errors.map((e) => [e.file?.slice(dir.length + 1), e.line]), [
    ['bad.json', 1],
    ['broken.yaml', 14],
    ['broken.yaml', 7],
    ['dup.yaml', 6],
  ]);
});

test('small inputs, one core, or a single file: no worker is started', async () => {
  const dir = corpus();
  const inputs = collectInputs([dir]);
  assert.equal((await assessFilesInParallel(inputs, 25, undefined, { workers: 2 })).workers, 0, 'below 8 MB');
  assert.equal((await assessFilesInParallel(inputs, 25, undefined, { workers: 1, minBytes: 0 })).workers, 0);
  assert.equal((await assessFilesInParallel(inputs.slice(0, 1), 25, undefined, { workers: 2, minBytes: 0 })).workers, 0);
});
