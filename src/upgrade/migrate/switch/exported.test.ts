import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExportIndex } from '../types.js';
import { diffIndexes, objectKey, unservedAt } from './exported.js';

const o = (apiVersion: string, kind: string, name: string): { apiVersion: string; kind: string; metadata: { name: string } } => ({ apiVersion, kind, metadata: { name } });

test('unservedAt lists the API versions the target no longer serves, with replacements', () => {
  const objs = [o('batch/v1beta1', 'CronJob', 'a'), o('batch/v1beta1', 'CronJob', 'b'), o('apps/v1', 'Deployment', 'c'), o('policy/v1beta1', 'PodSecurityPolicy', 'p')];
  const at34 = unservedAt(objs, 34);
  assert.deepEqual(at34.map((f) => [f.apiVersion, f.kind, f.count, f.replacement]), [
    ['batch/v1beta1', 'CronJob', 2, 'batch/v1 CronJob'],
    ['policy/v1beta1', 'PodSecurityPolicy', 1, 'none'],
  ]);
  assert.deepEqual(unservedAt(objs, 20), []);
});

test('diffIndexes finds missing and changed objects whatever version they were read in', () => {
  const idx = (objects: { apiVersion: string; kind: string; name: string; hash: string }[]): ExportIndex => ({
    format: 'plinth.dev/export/v1',
    createdAt: '',
    source: { server: '', gitVersion: 'v1.24.17', minor: 24 },
    includeStatus: false,
    resources: [],
    skipped: [],
    objects: objects.map((o) => ({ ...o, namespace: 'ns', resource: '', path: '' })),
  });
  const a = idx([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', hash: '1' }, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', hash: '2' }]);
  assert.deepEqual(diffIndexes(a, a), { missing: [], changed: [], compared: 2 });
  const b = idx([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', hash: 'other' }, { apiVersion: 'batch/v1', kind: 'CronJob', name: 'd', hash: '2' }]);
  assert.deepEqual(diffIndexes(a, b), { missing: ['apps/Deployment ns/d'], changed: ['core/ConfigMap ns/x'], compared: 2 });
  // Another version of the same group is the same object.
  const c = idx([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', hash: '1' }, { apiVersion: 'apps/v1beta2', kind: 'Deployment', name: 'd', hash: '2' }]);
  assert.deepEqual(diffIndexes(a, c).missing, []);
  assert.equal(objectKey({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }), 'core/Namespace shop');
});
