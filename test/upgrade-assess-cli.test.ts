// `plinth upgrade assess` as a user runs it, on manifests (no cluster needed): exit codes, -o json and
// markdown, stdin, a malformed file among good ones, an unknown target, an unreachable cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Report } from '../src/upgrade/assess/types.js';

const ROOT = resolve(import.meta.dirname, '..');

function plinth(args: string[], input?: string): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'upgrade', 'assess', ...args], { cwd: ROOT, encoding: 'utf8', input: input ?? '', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'assess-cli-'));
writeFileSync(join(dir, 'cron.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: nightly, namespace: jobs}\n');
writeFileSync(join(dir, 'ok.yaml'), 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: fine}\n');
writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\n');

test('blockers: exit 3 and file:line in the JSON form', () => {
  const r = plinth(['--to', '1.25', '-f', join(dir, 'cron.yaml'), '-o', 'json']);
  assert.equal(r.code, 3, r.stderr);
  const rep = JSON.parse(r.stdout) as Report;
  assert.equal(rep.schemaVersion, 1);
  assert.equal(rep.summary.blockers, 1);
  assert.deepEqual([rep.findings[0]!.identity.file, rep.findings[0]!.identity.line, rep.findings[0]!.identity.name], [join(dir, 'cron.yaml'), 5, 'nightly']);
  assert.equal(rep.findings[0]!.replacement, 'batch/v1 CronJob');
});

test('nothing blocks: exit 0 (a removed-later version is a warning)', () => {
  assert.equal(plinth(['--to', '1.24', '-f', join(dir, 'cron.yaml')]).code, 0);
  assert.equal(plinth(['--to', '1.34', '-f', join(dir, 'ok.yaml')]).code, 0);
});

test('stdin and markdown', () => {
  const r = plinth(['--to', '1.26', '--from', '1.25', '-f', '-', '-o', 'markdown'], 'apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n');
  assert.equal(r.code, 3);
  assert.match(r.stdout, /^# Upgrade assessment: 1\.25 → 1\.26/);
  assert.match(r.stdout, /\| blocker \| -:1 \| HorizontalPodAutoscaler h \|/);
});

test('a malformed file is reported with file:line, the others are still assessed, exit 1', () => {
  const r = plinth(['--to', '1.25', '-f', dir, '-o', 'json']);
  assert.equal(r.code, 1);
  const rep = JSON.parse(r.stdout) as Report;
  assert.deepEqual(rep.errors.map((e) => [e.file, e.line]), [[join(dir, 'broken.yaml'), 4]]);
  assert.ok(rep.findings.some((f) => f.identity.name === 'nightly' && f.severity === 'blocker'));
  assert.equal(rep.sources.manifests, 3);
});

test('bad input: unknown target, missing file, unknown format, unreachable cluster — one line each, exit 1', () => {
  for (const args of [['--to', 'latest', '-f', dir], ['--to', '1.99', '-f', dir], ['--to', '1.30', '-f', join(dir, 'nope.yaml')], ['--to', '1.30', '-f', dir, '-o', 'yaml']]) {
    const r = plinth(args);
    assert.equal(r.code, 1, args.join(' '));
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^error: /);
  }
  const kc = join(dir, 'unreachable.kubeconfig');
  writeFileSync(kc, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: x}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n');
  const r = plinth(['--to', '1.30', '--kubeconfig', kc]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:1/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
