import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from './resource.js';
import { Store } from './store.js';
import { byLabel, byNode, byOwnerUid, standardIndexers } from './indexer.js';
import { relistDiff } from './diff.js';

function pod(name: string, opts: { node?: string; owners?: string[]; labels?: Record<string, string>; rv?: string; uid?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'ns',
      uid: opts.uid ?? `uid-${name}`,
      resourceVersion: opts.rv ?? '1',
      labels: opts.labels,
      ownerReferences: opts.owners?.map((uid) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true })),
    },
    spec: { nodeName: opts.node },
  } as KubeObject;
}

void test('store indexes by owner, node, label and a custom function; updates move entries', () => {
  const s = new Store({ ...standardIndexers, app: byLabel('app'), custom: (o) => (o.metadata?.name?.startsWith('x') ? ['x', 'any'] : ['any']) });
  s.set('ns/a', pod('a', { node: 'n1', owners: ['rs1'], labels: { app: 'web' } }));
  s.set('ns/b', pod('b', { node: 'n1', owners: ['rs1', 'rs2'] }));
  s.set('ns/xc', pod('xc', { node: 'n2', labels: { app: 'db' } }));
  const names = (objs: KubeObject[]): string[] => objs.map((o) => o.metadata!.name!).sort();
  assert.deepEqual(names(s.byIndex('byOwnerUid', 'rs1')), ['a', 'b']);
  assert.deepEqual(names(s.byIndex('byOwnerUid', 'rs2')), ['b']);
  assert.deepEqual(names(s.byIndex('byNode', 'n1')), ['a', 'b']);
  assert.deepEqual(names(s.byIndex('app', 'web')), ['a']);
  assert.deepEqual(names(s.byIndex('custom', 'any')), ['a', 'b', 'xc']);
  assert.deepEqual(names(s.byIndex('custom', 'x')), ['xc']);
  assert.deepEqual(names(s.byIndex('byControllerOwner', 'ns/ReplicaSet/rs1')), ['a', 'b']);

  // Move a to n2 and drop its label.
  const old = s.set('ns/a', pod('a', { node: 'n2', owners: ['rs1'] }));
  assert.equal(old?.metadata?.name, 'a');
  assert.deepEqual(names(s.byIndex('byNode', 'n1')), ['b']);
  assert.deepEqual(names(s.byIndex('byNode', 'n2')), ['a', 'xc']);
  assert.deepEqual(s.byIndex('app', 'web'), []);
  assert.deepEqual(s.indexValues('app'), ['db']);

  s.delete('ns/b');
  assert.deepEqual(s.byIndex('byOwnerUid', 'rs2'), []);
  assert.deepEqual(s.indexValues('byNode').sort(), ['n2']);
  assert.equal(s.size, 2);
  assert.throws(() => s.byIndex('nope', 'x'), /no index named "nope"/);
});

void test('an indexer added later covers existing objects', () => {
  const s = new Store();
  s.set('ns/a', pod('a', { node: 'n1' }));
  s.addIndexer('byNode', byNode);
  s.addIndexer('byOwnerUid', byOwnerUid);
  assert.equal(s.byIndex('byNode', 'n1').length, 1);
  assert.deepEqual(s.indexKeys('byNode', 'n1'), ['ns/a']);
});

void test('relist diff: adds, updates by resourceVersion, deletes with last state, re-creations', () => {
  const s = new Store();
  s.set('ns/same', pod('same', { rv: '5' }));
  s.set('ns/changed', pod('changed', { rv: '5' }));
  s.set('ns/gone', pod('gone', { rv: '7' }));
  s.set('ns/recreated', pod('recreated', { rv: '3', uid: 'u1' }));
  const listed = new Map<string, KubeObject>([
    ['ns/same', pod('same', { rv: '5' })],
    ['ns/changed', pod('changed', { rv: '10' })],
    ['ns/new', pod('new', { rv: '11' })],
    ['ns/recreated', pod('recreated', { rv: '12', uid: 'u2' })],
  ]);
  const d = relistDiff(s, listed);
  assert.deepEqual(d.added.map((o) => o.metadata!.name).sort(), ['new', 'recreated']);
  assert.deepEqual(d.updated.map((u) => [u.old.metadata!.resourceVersion, u.obj.metadata!.resourceVersion]), [['5', '10']]);
  assert.deepEqual(d.deleted.map((o) => `${o.metadata!.name}@${o.metadata!.resourceVersion}`).sort(), ['gone@7', 'recreated@3']);
});

void test('resourceVersions are opaque: no numeric comparison', () => {
  const s = new Store();
  s.set('ns/a', pod('a', { rv: '10' }));
  // A "smaller" or non-numeric version is still just "different".
  const d = relistDiff(s, new Map([['ns/a', pod('a', { rv: '9' })]]));
  assert.equal(d.updated.length, 1);
  const d2 = relistDiff(s, new Map([['ns/a', pod('a', { rv: '10' })]]));
  assert.equal(d2.updated.length, 0);
});
