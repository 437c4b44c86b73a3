import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakePod } from '../../../test/support/release-objects.js';
import { batchState, podDone, unitsFull } from './batch-state.js';

test('a pod is done on the revision, Ready, gate True, not draining, not deleting', () => {
  assert.ok(podDone(fakePod({ name: 'p', revision: 'r2', gate: 'True' }), 'r2'));
  assert.ok(!podDone(fakePod({ name: 'p', revision: 'r1', gate: 'True' }), 'r2'));
  assert.ok(!podDone(fakePod({ name: 'p', revision: 'r2', gate: 'False' }), 'r2'));
  assert.ok(!podDone(fakePod({ name: 'p', revision: 'r2', gate: 'True', drainStarted: '2024-01-01T00:00:00Z' }), 'r2'));
  assert.ok(!podDone(fakePod({ name: 'p', revision: 'r2', gate: 'True', deleting: true }), 'r2'));
});

test('units full ignores pods being deleted', () => {
  const t = new Map([['a', 2]]);
  assert.ok(unitsFull([fakePod({ name: 'x', unit: 'a' }), fakePod({ name: 'y', unit: 'a' })], t));
  assert.ok(!unitsFull([fakePod({ name: 'x', unit: 'a' }), fakePod({ name: 'y', unit: 'a', deleting: true })], t));
});

test('batch state counts updated and pending pods', () => {
  const pods = [fakePod({ name: 'x', unit: 'a', revision: 'r2', gate: 'True' }), fakePod({ name: 'y', unit: 'a', revision: 'r1', gate: 'True' })];
  assert.deepEqual(batchState(['x', 'y'], pods, 'r2', new Map([['a', 2]])), { done: false, updated: 1, pending: ['y'] });
});
