// A Helm chart directory given to -f: rendered with `helm template` when helm is on PATH, else walked,
// with the unrendered templates' "render it with `helm template`" error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmOnPath } from './chart.js';
import { assessFiles } from './files.js';
import { collectInputs } from './inputs.js';

function chart(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'assess-chart-')), 'web');
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'values.yaml'), 'schedule: "0 * * * *"\n');
  writeFileSync(join(dir, 'templates', 'cron.yaml'), 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: {{ .Release.Name }}-nightly\nspec:\n  schedule: {{ .Values.schedule | quote }}\n');
  return dir;
}

test('without helm on PATH: the chart is walked and its template gets the render-it error', () => {
  const saved = process.env.PATH;
  process.env.PATH = '';
  try {
    const dir = chart();
    const r = assessFiles(collectInputs([dir]), 25);
    assert.equal(r.objects, 0);
    assert.ok(r.errors.some((e) => e.file === join(dir, 'templates', 'cron.yaml') && /render it with `helm template` first/.test(e.message)), JSON.stringify(r.errors));
  } finally {
    process.env.PATH = saved;
  }
});

test('with helm on PATH: the chart is rendered and its objects assessed with their template', (t) => {
  if (!helmOnPath()) {
    // CI installs helm (.ci/install-helm) and says so: there, a missing helm is a failure, not a skip.
    assert.notEqual(process.env.PLINTH_CI_HELM, '1', 'PLINTH_CI_HELM=1 but helm is not on PATH: run .ci/install-helm');
    t.skip('helm is not on PATH');
    return;
  }
  const dir = chart();
  const r = assessFiles(collectInputs([dir]), 25);
  assert.deepEqual(r.errors, []);
  assert.equal(r.objects, 1);
  const f = r.findings.find((x) => x.code === 'removed-api')!;
  assert.equal(f.severity, 'blocker');
  assert.equal(f.identity.name, 'release-name-nightly');
  assert.equal(f.identity.file, join(dir, 'templates', 'cron.yaml'));
  assert.equal(f.identity.line, undefined, 'rendered lines are not the template lines');
});
