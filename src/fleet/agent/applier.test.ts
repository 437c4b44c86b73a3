import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crdResources } from './applier.js';

test('the CRDs of an artifact tell the resource and scope of their kinds before the member serves them', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' }, versions: [{ name: 'v1' }, { name: 'v2' }] },
  };
  const cluster = { ...crd, metadata: { name: 'gizmos.example.com' }, spec: { ...crd.spec, scope: 'Cluster', names: { kind: 'Gizmo', plural: 'gizmos' }, versions: [{ name: 'v1' }] } };
  const m = crdResources([crd, cluster, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }]);
  assert.deepEqual(m.get('example.com/v2/Widget'), { resource: { group: 'example.com', version: 'v2', plural: 'widgets' }, namespaced: true });
  assert.deepEqual(m.get('example.com/v1/Gizmo'), { resource: { group: 'example.com', version: 'v1', plural: 'gizmos' }, namespaced: false });
  assert.equal(m.size, 3);
});
