import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakePod } from '../../../../test/support/release-objects.js';
import { planScaling } from './scale-plan.js';

const targets = new Map([['a', 2], ['b', 2]]);

test('creates per unit with fresh names; deletes the surplus', () => {
  const s = planScaling([fakePod({ name: 'a0', unit: 'a', gate: 'True' })], targets, 'r1', new Set());
  assert.deepEqual(s.create, [{ unit: 'a', reuseName: undefined }, { unit: 'b', reuseName: undefined }, { unit: 'b', reuseName: undefined }]);
  const many = ['a0', 'a1', 'a2'].map((n) => fakePod({ name: n, unit: 'a', gate: 'True' }));
  assert.equal(planScaling(many, new Map([['a', 2]]), 'r1', new Set()).delete.length, 1);
});

test('a recreated batch pod keeps its name; its unit gets nothing else while the old one goes', () => {
  const pods = [fakePod({ name: 'a0', unit: 'a', gate: 'True' }), fakePod({ name: 'b0', unit: 'b', gate: 'True' }), fakePod({ name: 'b1', unit: 'b', gate: 'True' })];
  // a1 (active) is gone: its unit lacks a pod; it comes back as a1.
  assert.deepEqual(planScaling(pods, targets, 'r2', new Set(['a1'])).create, [{ unit: 'a', reuseName: 'a1' }]);
  // a1 still being deleted: no other pod for unit a meanwhile.
  const deleting = [...pods, fakePod({ name: 'a1', unit: 'a', deleting: true })];
  assert.deepEqual(planScaling(deleting, targets, 'r2', new Set(['a1'])).create, []);
  // Not active (a scale-down, a user's delete): a fresh name.
  assert.deepEqual(planScaling(pods, targets, 'r2', new Set()).create, [{ unit: 'a', reuseName: undefined }]);
});

test('pods already drained for a scale-down rank first again (stable choice across reconciles)', () => {
  const pods = [
    fakePod({ name: 'a0', unit: 'a', gate: 'True' }),
    fakePod({ name: 'a1', unit: 'a', gate: 'False', drainStarted: '2024-01-01T00:00:00Z' }), // Ready still True
    fakePod({ name: 'a2', unit: 'a', gate: 'True' }),
  ];
  assert.deepEqual(planScaling(pods, new Map([['a', 2]]), 'r1', new Set()).delete.map((p) => p.metadata!.name), ['a1']);
});
