// `plinth upgrade convert` as a user runs it: a real process, real files, stdin, exit codes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

const FIXTURES = 'test/fixtures/upgrade-convert';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function plinth(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', 'upgrade', 'convert', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(stdin ?? '');
  });
}

describe('plinth upgrade convert (CLI)', () => {
  let tmp: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'plinth-convert-cli-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  test('stdout: converted multi-document YAML with the comments kept; exit 0', async () => {
    const r = await plinth(['--to', '1.34', '-f', `${FIXTURES}/networking.yaml`, '-f', `${FIXTURES}/batch.yaml`]);
    assert.equal(r.code, 0, r.stderr);
    for (const c of ['# Ingresses of the shop', '# everything else goes to the fallback', 'name: fallback # legacy service', '# Nightly report (batch/v1beta1 until 1.25)', '# 03:00 every day']) {
      assert.ok(r.stdout.includes(c), `kept: ${c}`);
    }
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as { apiVersion: string; kind: string });
    assert.deepEqual(
      docs.map((d) => `${d.apiVersion} ${d.kind}`),
      ['networking.k8s.io/v1 Ingress', 'networking.k8s.io/v1 Ingress', 'networking.k8s.io/v1 IngressClass', 'networking.k8s.io/v1 NetworkPolicy', 'discovery.k8s.io/v1 EndpointSlice', 'batch/v1 CronJob'],
    );
    assert.match(r.stderr, /converted 6 of 6 objects in 2 file\(s\) to the APIs of 1\.34/);
  });

  test('--output-dir: one file per input (same relative names), warnings name file:line, exit 3 when something was left out', async () => {
    const dir = join(tmp, 'out');
    const r = await plinth(['--to', 'v1.34.4', '-f', FIXTURES, '--output-dir', dir]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, '');
    const written = (await readdir(dir, { recursive: true })).sort();
    assert.deepEqual(written, ['admission.yaml', 'apps', 'apps/workloads.yaml', 'autoscaling.yaml', 'batch.yaml', 'cluster.yaml', 'crds.yaml', 'events.json', 'flowcontrol.yaml', 'namespaces.yaml', 'networking.yaml', 'policy.yaml']);
    assert.equal(await readFile(join(dir, 'namespaces.yaml'), 'utf8'), await readFile(`${FIXTURES}/namespaces.yaml`, 'utf8'));
    const policy = await readFile(join(dir, 'policy.yaml'), 'utf8');
    assert.match(policy, /^# plinth upgrade convert: policy\/v1beta1 PodSecurityPolicy restricted was left out/m);
    assert.match(policy, /# this one has an empty selector: it protected nothing in policy\/v1beta1/);
    assert.match(r.stderr, new RegExp(`warning: ${FIXTURES}/policy\\.yaml:22: PodSecurityPolicy restricted`));
    const events = JSON.parse(await readFile(join(dir, 'events.json'), 'utf8')) as { items: { apiVersion: string; deprecatedCount?: number }[] };
    assert.equal(events.items[0]?.apiVersion, 'events.k8s.io/v1');
    assert.equal(events.items[0]?.deprecatedCount, undefined);
  });

  test('stdin (-f -) and the same target in another spelling', async () => {
    const r = await plinth(['--to', '1.25', '--show-changes', '-f', '-'], '# cron\napiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: c # keep\nspec:\n  schedule: "* * * * *"\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '# cron\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c # keep\nspec:\n  schedule: "* * * * *"\n');
    assert.match(r.stderr, /^change: -:2: CronJob c: apiVersion batch\/v1beta1 -> batch\/v1$/m);
  });

  test('bad input: one clear line, exit 1, nothing written', async () => {
    const bad = await plinth(['--to', '1.99', '-f', FIXTURES]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: invalid --to "1\.99": the knowledge base covers 1\.16 to 1\.34 \(UPGRADE_CONVERT_BAD_TARGET\)/);
    assert.equal(bad.stderr.trim().split('\n').length, 1);

    const missing = await plinth(['--to', '1.34', '-f', join(tmp, 'nope.yaml')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /error: cannot read .*nope\.yaml: no such file or directory \(UPGRADE_CONVERT_NO_INPUT\)/);

    const inDir = join(tmp, 'in');
    await mkdir(inDir);
    await cp(`${FIXTURES}/batch.yaml`, join(inDir, 'a-good.yaml'));
    await writeFile(join(inDir, 'b-broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [1, 2\n  b: 3\n');
    const outDir = join(tmp, 'never');
    const broken = await plinth(['--to', '1.34', '-f', inDir, '--output-dir', outDir]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /error: .*b-broken\.yaml:\d+: .*\(UPGRADE_CONVERT_BAD_MANIFEST\)/);
    assert.equal(broken.stderr.trim().split('\n').length, 1);
    await assert.rejects(readdir(outDir), /ENOENT/);

    const none = await plinth(['--to', '1.34']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no -f given/);
  });
});
