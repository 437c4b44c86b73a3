import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffExports, objectKey, unservedAt, type ExportedObject } from './exported.js';

const o = (apiVersion: string, kind: string, name: string, extra: Record<string, unknown> = {}): ExportedObject => ({ apiVersion, kind, metadata: { name, namespace: 'ns' }, ...extra });

test('unservedAt lists the API versions the target no longer serves, with replacements', () => {
  const objs = [o('batch/v1beta1', 'CronJob', 'a'), o('batch/v1beta1', 'CronJob', 'b'), o('apps/v1', 'Deployment', 'c'), o('policy/v1beta1', 'PodSecurityPolicy', 'p')];
  const at34 = unservedAt(objs, 34);
  assert.deepEqual(at34.map((f) => [f.apiVersion, f.kind, f.count, f.replacement]), [
    ['batch/v1beta1', 'CronJob', 2, 'batch/v1 CronJob'],
    ['policy/v1beta1', 'PodSecurityPolicy', 1, 'none'],
  ]);
  assert.deepEqual(unservedAt(objs, 20), []);
});

test('diffExports finds missing and changed objects whatever version they were read in', () => {
  const a = new Map([o('v1', 'ConfigMap', 'x', { data: { k: '1' } }), o('apps/v1', 'Deployment', 'd')].map((x) => [objectKey(x), x]));
  const same = new Map([o('v1', 'ConfigMap', 'x', { data: { k: '1' } }), o('apps/v1', 'Deployment', 'd')].map((x) => [objectKey(x), x]));
  assert.deepEqual(diffExports(a, same), { missing: [], changed: [], compared: 2 });
  const b = new Map([o('v1', 'ConfigMap', 'x', { data: { k: '2' } })].map((x) => [objectKey(x), x]));
  assert.deepEqual(diffExports(a, b), { missing: ['apps/Deployment ns/d'], changed: ['core/ConfigMap ns/x'], compared: 2 });
});
