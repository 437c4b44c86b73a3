import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from './index.js';

test('node.k8s.io/v1alpha1 RuntimeClass: spec fields move to the top level of node.k8s.io/v1', () => {
  const rc = { apiVersion: 'node.k8s.io/v1alpha1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, spec: { runtimeHandler: 'runsc', overhead: { podFixed: { cpu: '250m' } } } };
  const r = convertObject(rc, 24);
  assert.deepEqual(r.object, { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runsc', overhead: { podFixed: { cpu: '250m' } } });
  assert.ok(r.changes.includes('spec.runtimeHandler -> handler'));
  assert.equal(rc.spec.runtimeHandler, 'runsc', 'the input is not changed');
});
