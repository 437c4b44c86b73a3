// `plinth upgrade assess` on a file whose object repeats a key, as a user runs it: the object is still
// assessed with the last value (as kubectl applies it), and the repeat is an input error at its file:line
// (exit 1) that says so, in JSON and in the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Report } from '../src/upgrade/assess/types.js';

const ROOT = resolve(import.meta.dirname, '..');
const assess = (file: string, output: string): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'upgrade', 'assess', '--to', '1.25', '-f', file, '-o', output], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

test('a repeated key: the object is assessed with the last value, and the repeat is reported at its file:line', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'assess-dup-')), 'app.yaml');
  writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n---\napiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: nightly\n  labels:\n    team: a\n    team: b\nspec:\n  schedule: "0 * * * *"\n');
  const r = assess(file, 'json');
  assert.equal(r.status, 1, r.stderr);
  const rep = JSON.parse(r.stdout) as Report;
  assert.deepEqual(rep.errors.map((e) => [e.file, e.line]), [[file, 12]]);
  assert.match(rep.errors[0]!.message, /key "team" is given twice in the same mapping: the object is still assessed with the last value/);
  assert.deepEqual(rep.findings.filter((f) => f.code === 'removed-api').map((f) => [f.identity.name, f.identity.line, f.severity]), [['nightly', 6, 'blocker']]);
  assert.equal(rep.sources.objects, 2);

  const table = assess(file, 'table');
  assert.equal(table.status, 1, table.stderr);
  assert.match(table.stdout, /blocker\s+\S+app\.yaml:6\s+CronJob nightly/);
  assert.match(table.stdout, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:12: key "team" is given twice .* still assessed`));
});
