import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyOrder, comparable, firstDrift, refKey, removedRefs } from './objects.js';

test('apply order: CRDs, then Namespaces, then config, then workloads and custom resources; stable within a rank', () => {
  const kinds = ['Deployment', 'Widget', 'ConfigMap', 'Namespace', 'CustomResourceDefinition', 'Service', 'ConfigMap'];
  const objs = kinds.map((kind, i) => ({ kind, i }));
  assert.deepEqual(
    applyOrder(objs).map((o) => `${o.kind}${o.i}`),
    ['CustomResourceDefinition4', 'Namespace3', 'ConfigMap2', 'ConfigMap6', 'Service5', 'Deployment0', 'Widget1'],
  );
});

test('removed refs are pruned workloads first, namespaces last', () => {
  const ns = { apiVersion: 'v1', kind: 'Namespace', name: 'web' };
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'web', name: 'a' };
  const dep = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web', name: 'api' };
  assert.deepEqual(removedRefs([ns, cm, dep], [cm]).map(refKey), ['apps/v1/Deployment/web/api', 'v1/Namespace//web']);
  assert.deepEqual(removedRefs([cm], [cm]), []);
});

test('drift compares only the fields the desired object sets', () => {
  const desired = { spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'a:1' }] } } }, metadata: { labels: { a: 'b' } } };
  const live = {
    spec: { replicas: 2, strategy: {}, template: { spec: { containers: [{ name: 'app', image: 'a:1', imagePullPolicy: 'IfNotPresent' }] } } },
    metadata: { labels: { a: 'b', extra: 'x' } },
  };
  assert.equal(firstDrift(desired, live), undefined);
  assert.equal(firstDrift(desired, { ...live, spec: { ...live.spec, replicas: 5 } }), '/spec/replicas');
  assert.equal(firstDrift(desired, { ...live, metadata: { labels: {} } }), '/metadata/labels/a');
  const twoContainers = { ...live, spec: { ...live.spec, template: { spec: { containers: [{ name: 'app', image: 'a:1' }, { name: 'b' }] } } } };
  assert.equal(firstDrift(desired, twoContainers), '/spec/template/spec/containers');
});

test('comparable keeps labels and annotations of the metadata, drops status', () => {
  const o = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n', labels: { x: 'y' } }, data: { k: 'v' }, status: { s: 1 } };
  assert.deepEqual(comparable(o), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels: { x: 'y' } }, data: { k: 'v' } });
});
