// deploy/rbac/*.yaml are what src/app/console/rbac.ts generates (what is installed is what ships).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { aggregatedRoles, consoleManifest } from './rbac.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function docs(file: string): unknown[] {
  return parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'rbac', file), 'utf8')).map((d) => d.toJSON() as unknown);
}

test('deploy/rbac/aggregate.yaml and console.yaml equal the generated objects', () => {
  assert.deepEqual(docs('aggregate.yaml'), JSON.parse(JSON.stringify(aggregatedRoles())), 'deploy/rbac is out of date: run `npm run rbac`');
  assert.deepEqual(docs('console.yaml'), JSON.parse(JSON.stringify(consoleManifest())));
});

test('view reads every Plinth group; edit writes and appends release history; all carry the aggregation labels', () => {
  const [view, edit, admin] = aggregatedRoles() as Array<{ metadata: { labels: Record<string, string> }; rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> }>;
  assert.deepEqual(view!.rules.map((r) => r.apiGroups[0]).sort(), ['apps.plinth.dev', 'fleet.plinth.dev']);
  assert.ok(view!.rules.every((r) => r.verbs.join() === 'get,list,watch'));
  assert.equal(view!.metadata.labels['rbac.authorization.k8s.io/aggregate-to-view'], 'true');
  assert.ok(edit!.rules.some((r) => r.resources.includes('releaseorders/status') && r.verbs.includes('patch')));
  assert.equal(edit!.metadata.labels['rbac.authorization.k8s.io/aggregate-to-view'], undefined);
  assert.equal(admin!.metadata.labels['rbac.authorization.k8s.io/aggregate-to-admin'], 'true');
});
