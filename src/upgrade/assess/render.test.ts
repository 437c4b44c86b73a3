import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport, whereOf } from './render.js';
import { suggestPath } from './path.js';
import { apiFinding } from './rules.js';
import { REPORT_SCHEMA_VERSION, type Report } from './types.js';

function report(): Report {
  const f = apiFinding('batch/v1beta1', 'CronJob', 25, { source: 'manifest', file: 'app/cron.yaml', line: 7, kind: 'CronJob', name: 'n', namespace: 'ns' })!;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    target: '1.25',
    current: 'v1.23.4',
    sources: { manifests: 1, objects: 3, helmReleases: 0, live: false },
    summary: { blockers: 1, warnings: 0, info: 0 },
    findings: [f],
    path: suggestPath(23, 25, [f]),
    behaviourChanges: [],
    errors: [{ source: 'manifest', file: 'bad.yaml', line: 3, message: 'malformed YAML: x' }],
  };
}

test('where: file:line, helm release, live client/component', () => {
  assert.equal(whereOf({ source: 'manifest', file: 'a.yaml', line: 4 }), 'a.yaml:4');
  assert.equal(whereOf({ source: 'helm', release: { name: 'r', namespace: 'n', revision: 2 }, file: 'c/templates/x.yaml', line: 3 }), 'helm n/r#2 c/templates/x.yaml:3');
  assert.equal(whereOf({ source: 'live', client: 'ci' }), 'live');
  assert.equal(whereOf({ source: 'live', component: 'kubelet', client: 'x' }), 'live kubelet');
});

test('table, markdown and JSON renderings', () => {
  const r = report();
  const table = renderReport(r, 'table');
  assert.match(table, /^SEVERITY\s+WHERE\s+OBJECT\s+FINDING/);
  assert.match(table, /blocker\s+app\/cron\.yaml:7\s+CronJob ns\/n/);
  assert.match(table, /bad\.yaml:3: malformed YAML/);
  assert.match(table, /→ 1\.25: 1 blocker/);
  const md = renderReport(r, 'markdown');
  assert.match(md, /^# Upgrade assessment: v1\.23\.4 → 1\.25/);
  assert.match(md, /\| blocker \| app\/cron\.yaml:7 \|/);
  assert.match(md, /## Suggested path/);
  assert.match(md, /## Errors/);
  const json = JSON.parse(renderReport(r, 'json')) as Report;
  assert.equal(json.schemaVersion, 1);
  assert.deepEqual(Object.keys(json), ['schemaVersion', 'target', 'current', 'sources', 'summary', 'findings', 'path', 'behaviourChanges', 'errors']);
});
