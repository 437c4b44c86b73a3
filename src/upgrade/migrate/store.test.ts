import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlinthError } from '../../errors/index.js';
import { canonicalJson, hashObject, objectPath, readIndex } from './store.js';
import { stepOf, STEPS } from './order.js';
import { snapshotBlob } from './etcd-snapshot.js';
import { readiness } from './verify.js';

test('canonical JSON and hashes do not depend on key order', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } }), '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  assert.equal(hashObject({ a: 1, b: 2 }), hashObject({ b: 2, a: 1 }));
  assert.notEqual(hashObject({ a: 1 }), hashObject({ a: 2 }));
});

test('object paths are grouped and safe', () => {
  assert.equal(objectPath('apps', 'Deployment', 'shop', 'web'), 'objects/apps/Deployment/shop/web.yaml');
  assert.equal(objectPath('', 'Namespace', undefined, 'shop'), 'objects/core/Namespace/_cluster/shop.yaml');
  assert.equal(objectPath('rbac.authorization.k8s.io', 'ClusterRole', undefined, 'system:foo/bar'), 'objects/rbac.authorization.k8s.io/ClusterRole/_cluster/system%3afoo%2fbar.yaml');
});

test('readIndex explains what is wrong with an index', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-idx-'));
  try {
    const bad = async (text: string, re: RegExp): Promise<void> => {
      await writeFile(join(dir, 'index.json'), text);
      await assert.rejects(readIndex(dir), (e: unknown) => e instanceof PlinthError && e.code === 'UPGRADE_MIGRATE_INDEX_INVALID' && re.test(e.message));
    };
    await assert.rejects(readIndex(dir), /does not exist/);
    await bad('{', /not valid JSON/);
    await bad('{"format":"other"}', /format is "other"/);
    const ok = { format: 'plinth.dev/export/v1', source: { minor: 24, gitVersion: 'v1.24.17', server: 's' } };
    await bad(JSON.stringify({ ...ok, objects: 3 }), /objects is not a list/);
    await bad(JSON.stringify({ ...ok, objects: [{ path: 'objects/a.yaml', apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', name: 'a' }] }), /objects\[0\]: hash missing/);
    const e = { path: 'objects/a.yaml', apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', name: 'a', hash: 'h' };
    await bad(JSON.stringify({ ...ok, objects: [e, e] }), /listed twice/);
    await writeFile(join(dir, 'index.json'), JSON.stringify({ ...ok, objects: [e] }));
    assert.equal((await readIndex(dir)).objects.length, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('dependency order: CRDs first, webhooks and budgets after workloads, owned objects last', () => {
  const at = (av: string, k: string, owned = false): number => STEPS.indexOf(stepOf(av, k, owned));
  assert.equal(stepOf('apiextensions.k8s.io/v1', 'CustomResourceDefinition'), 'crds');
  assert.ok(at('v1', 'Namespace') < at('rbac.authorization.k8s.io/v1', 'Role'));
  assert.ok(at('scheduling.k8s.io/v1', 'PriorityClass') < at('apps/v1', 'Deployment'));
  assert.ok(at('v1', 'ConfigMap') < at('v1', 'PersistentVolumeClaim'));
  assert.ok(at('example.com/v1', 'Widget') < at('apps/v1', 'Deployment'));
  assert.ok(at('apps/v1', 'Deployment') < at('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'));
  assert.ok(at('apps/v1', 'Deployment') < at('policy/v1', 'PodDisruptionBudget'));
  assert.equal(stepOf('v1', 'ConfigMap', true), 'owned');
  assert.equal(stepOf('node.k8s.io/v1', 'SomethingNew'), 'cluster');
});

test('snapshotBlob reads field 3 of a SnapshotResponse', () => {
  // header (1, empty message), remaining_bytes (2) = 300, blob (3) = "abc", version (4) = "3.5"
  const msg = Buffer.from([0x0a, 0x00, 0x10, 0xac, 0x02, 0x1a, 0x03, 0x61, 0x62, 0x63, 0x22, 0x03, 0x33, 0x2e, 0x35]);
  assert.equal(snapshotBlob(msg)?.toString(), 'abc');
  assert.equal(snapshotBlob(Buffer.from([0x10, 0x01])), undefined);
});

test('readiness of workloads', () => {
  assert.deepEqual(readiness('Deployment', { metadata: { generation: 2 }, spec: { replicas: 3 }, status: { observedGeneration: 2, readyReplicas: 3 } }), { desired: 3, ready: 3, observed: true });
  assert.equal(readiness('Deployment', { metadata: { generation: 3 }, spec: { replicas: 3 }, status: { observedGeneration: 2, readyReplicas: 3 } }).observed, false);
  assert.deepEqual(readiness('DaemonSet', { metadata: {}, status: { desiredNumberScheduled: 4, numberReady: 2 } }), { desired: 4, ready: 2, observed: true });
  assert.equal(readiness('StatefulSet', { metadata: {}, spec: {} }).desired, 1);
});

test('objects whose controller is not exported are left out, transitively', async () => {
  const { orphansOf } = await import('./export.js');
  const e = (apiVersion: string, kind: string, name: string, namespace?: string): import('./types.js').IndexEntry => ({ path: `${kind}/${namespace ?? ''}/${name}`, apiVersion, kind, resource: kind.toLowerCase(), name, hash: 'h', ...(namespace ? { namespace } : {}) });
  const app = e('example.com/v1', 'App', 'shop', 'a');
  const cm = e('v1', 'ConfigMap', 'by-app', 'a');
  const lost = e('v1', 'ConfigMap', 'by-pod', 'a');
  const chained = e('v1', 'Secret', 'by-lost', 'a');
  const byNode = e('v1', 'ConfigMap', 'by-cluster-scoped', 'a');
  const ns = e('v1', 'Namespace', 'a');
  const controlled = new Map([
    [cm.path, { group: 'example.com', kind: 'App', name: 'shop' }],
    [lost.path, { group: '', kind: 'Pod', name: 'web-1' }],
    [chained.path, { group: '', kind: 'ConfigMap', name: 'by-pod' }],
    [byNode.path, { group: '', kind: 'Namespace', name: 'a' }],
  ]);
  const out = orphansOf([app, cm, lost, chained, byNode, ns], controlled).map((x) => x.entry.name).sort();
  assert.deepEqual(out, ['by-lost', 'by-pod']);
});
