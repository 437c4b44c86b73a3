// `plinth upgrade assess` on a file with a typo separator (`----`), as a user runs it: the typo is an input
// error with file:line (exit 1), and the objects on both sides of it are still assessed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Report } from '../src/upgrade/assess/types.js';

const ROOT = resolve(import.meta.dirname, '..');

test('a ---- separator: reported at its file:line, both objects assessed', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'assess-sep-')), 'app.yaml');
  writeFileSync(file, 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: web\n----\napiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: nightly\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'upgrade', 'assess', '--to', '1.25', '-f', file, '-o', 'json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1, r.stderr);
  const rep = JSON.parse(r.stdout) as Report;
  assert.deepEqual(rep.errors.map((e) => [e.file, e.line]), [[file, 5]]);
  assert.match(rep.errors[0]!.message, /"----" is not a YAML document separator/);
  assert.deepEqual(rep.findings.filter((f) => f.code === 'removed-api').map((f) => [f.identity.name, f.identity.line, f.severity]), [['web', 1, 'blocker'], ['nightly', 6, 'blocker']]);
});
