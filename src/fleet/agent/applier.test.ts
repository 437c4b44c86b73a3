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

test('mapNamespace (the fleet-scale bench) renames the namespace of namespaced objects and Namespace objects', async () => {
  const { MemberApplier } = await import('./applier.js');
  const { pino } = await import('pino');
  const served: Record<string, { group: string; version: string; plural: string; namespaced: boolean }> = {
    'v1/Namespace': { group: '', version: 'v1', plural: 'namespaces', namespaced: false },
    'v1/ConfigMap': { group: '', version: 'v1', plural: 'configmaps', namespaced: true },
  };
  const discovery = { resolve: (apiVersion: string, kind: string) => Promise.resolve(served[`${apiVersion}/${kind}`]) };
  const a = new MemberApplier({} as never, discovery as never, pino({ level: 'silent' }), (ns) => `sim-1-${ns}`);
  const out = await a.prepare(
    [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'app' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd' } },
    ],
    { recordId: 'r', delivery: 'ns/d', targetNamespace: 'tgt' },
  );
  assert.deepEqual(
    out.map((p) => [p.obj.kind, p.obj.metadata.name, p.obj.metadata.namespace, p.resource?.namespace]),
    [
      ['Namespace', 'sim-1-app', undefined, undefined],
      ['ConfigMap', 'c', 'sim-1-app', 'sim-1-app'],
      ['ConfigMap', 'd', 'sim-1-tgt', 'sim-1-tgt'],
    ],
  );
});
