import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './clock.js';
import { Expectations } from './expectations.js';
import type { KubeObject } from './resource.js';

const obj = (uid: string, rv: string, owner = 'ns/parent'): KubeObject => ({
  metadata: { name: uid, namespace: 'ns', uid, resourceVersion: rv, ownerReferences: [{ apiVersion: 'v1', kind: 'P', name: owner.split('/')[1]!, uid: 'p' }] },
});

void test('creations and deletions are counted down by observations', () => {
  const e = new Expectations();
  assert.ok(e.satisfied('k'), 'no expectations: satisfied');
  e.expectCreations('k', 2);
  e.expectDeletions('k', 1);
  assert.ok(!e.satisfied('k'));
  e.creationObserved('k');
  e.creationObserved('k');
  assert.ok(!e.satisfied('k'));
  e.deletionObserved('k');
  assert.ok(e.satisfied('k'));
  assert.equal(e.pending('k'), undefined);
  e.creationObserved('k');
  assert.ok(e.satisfied('k'), 'extra observations do not go negative');
});

void test('specific UIDs must be observed deleted', () => {
  const e = new Expectations();
  e.expectDeletions('k', ['u1', 'u2']);
  e.deletionObserved('k', 'u1');
  assert.ok(!e.satisfied('k'));
  assert.deepEqual(e.pending('k')?.uids, ['u2']);
  e.observeDeleted(obj('u2', '9'));
  assert.ok(e.satisfied('k'));
});

void test('a written version must be observed exactly (opaque resourceVersion)', () => {
  const e = new Expectations();
  e.expectObject('k', obj('u1', '100'));
  e.observe(obj('u1', '99'));
  assert.ok(!e.satisfied('k'), 'an older version is not enough');
  e.observe(obj('u1', '100'));
  assert.ok(e.satisfied('k'));
  e.expectVersion('k', { uid: 'u1', resourceVersion: '200' });
  e.observeDeleted(obj('u1', '150'));
  assert.ok(e.satisfied('k'), 'deletion ends the wait');
});

void test('expectations expire after the timeout', async () => {
  const clock = new FakeClock();
  const e = new Expectations({ timeoutMs: 1000, clock });
  e.expectCreations('k', 1);
  await clock.advance(999);
  assert.ok(!e.satisfied('k'));
  await clock.advance(1);
  assert.ok(e.satisfied('k'));
  assert.equal(e.pending('k'), undefined, 'expired expectations are cleared');
});

void test('informer handlers feed expectations by owner key', () => {
  const e = new Expectations();
  const h = e.handlers((o) => `${o.metadata!.namespace}/${o.metadata!.ownerReferences![0]!.name}`);
  e.expectCreations('ns/parent', 1);
  e.expectDeletions('ns/parent', ['old']);
  h.onAdd!(obj('new', '1'));
  assert.ok(!e.satisfied('ns/parent'));
  h.onDelete!(obj('old', '2'));
  assert.ok(e.satisfied('ns/parent'));
  e.expectObject('ns/parent', obj('new', '5'));
  h.onUpdate!(obj('new', '1'), obj('new', '5'));
  assert.ok(e.satisfied('ns/parent'));
});
