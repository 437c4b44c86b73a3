import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planBatches, type BatchPod } from './batches.js';
import { compareOrderValues, podOrderValue, podPriority, type PriorityPolicy } from './priority.js';

const policy: PriorityPolicy = {
  weights: [
    { selector: { matchLabels: { role: 'leader' } }, weight: -100 },
    { selector: { matchLabels: { critical: 'false' } }, weight: 10 },
  ],
  orderKey: 'ordinal',
};

test('podPriority sums the weights whose selector matches; no policy or no match is 0', () => {
  assert.equal(podPriority(policy, { role: 'leader' }), -100);
  assert.equal(podPriority(policy, { role: 'leader', critical: 'false' }), -90);
  assert.equal(podPriority(policy, { role: 'follower' }), 0);
  assert.equal(podPriority(undefined, { role: 'leader' }), 0);
  assert.equal(podPriority(policy, undefined), 0);
});

test('podOrderValue reads the order key; compareOrderValues: numbers numerically, missing last in both directions', () => {
  assert.equal(podOrderValue(policy, { ordinal: '7' }), '7');
  assert.equal(podOrderValue(policy, {}), undefined);
  assert.equal(podOrderValue({}, { ordinal: '7' }), undefined);
  assert.ok(compareOrderValues('2', '10') < 0, '2 before 10 (numbers, not strings)');
  assert.ok(compareOrderValues('2', '10', 'Descending') > 0);
  assert.ok(compareOrderValues('b', 'a') > 0);
  assert.ok(compareOrderValues(undefined, '1') > 0 && compareOrderValues('1', undefined) < 0);
  assert.ok(compareOrderValues(undefined, '1', 'Descending') > 0, 'missing stays last when descending');
  assert.equal(compareOrderValues('3', '3'), 0);
});

test('planBatches: followers before the leader, across batches and units', () => {
  const pods: BatchPod[] = [
    { name: 'db-0', unit: 'a', priority: -100 }, // the leader
    { name: 'db-1', unit: 'b' },
    { name: 'db-2', unit: 'a' },
    { name: 'db-3', unit: 'b' },
  ];
  const batches = planBatches({ pods, units: ['a', 'b'], beta: false, batchSize: 1, replicas: 4 });
  assert.deepEqual(batches.map((b) => b.pods[0]), ['db-1', 'db-2', 'db-3', 'db-0']);
});

test('planBatches: higher priority fills earlier batches before any lower one; interleaving stays within a tier', () => {
  const pods: BatchPod[] = [
    ...['a1', 'a2', 'a3'].map((name) => ({ name, unit: 'a' })),
    ...['b1', 'b2', 'b3'].map((name) => ({ name, unit: 'b', priority: 10 })), // the non-critical cell goes first
  ];
  const batches = planBatches({ pods, units: ['a', 'b'], beta: false, batchSize: 2, replicas: 6 });
  assert.deepEqual(batches.map((b) => b.pods), [['b1', 'b2'], ['b3', 'a1'], ['a2', 'a3']]);
});

test('planBatches: the order value orders pods of equal priority (ascending or descending), before readiness and name', () => {
  const pods: BatchPod[] = [
    { name: 'p-x', unit: 'a', order: '10' },
    { name: 'p-y', unit: 'a', order: '2', ready: true },
    { name: 'p-z', unit: 'a', order: '2', ready: false },
    { name: 'p-w', unit: 'a' },
  ];
  const asc = planBatches({ pods, units: ['a'], beta: false, batchSize: 4, replicas: 4 });
  assert.deepEqual(asc[0]!.pods, ['p-z', 'p-y', 'p-x', 'p-w']);
  const desc = planBatches({ pods, units: ['a'], beta: false, batchSize: 4, replicas: 4, orderDirection: 'Descending' });
  assert.deepEqual(desc[0]!.pods, ['p-x', 'p-z', 'p-y', 'p-w']);
});

test('planBatches with priorities: beta takes each unit\'s highest-priority pod; the plan does not depend on input order', () => {
  const pods: BatchPod[] = [
    { name: 'a-lead', unit: 'a', priority: -1 },
    { name: 'a-f', unit: 'a' },
    { name: 'b-lead', unit: 'b', priority: -1 },
    { name: 'b-f', unit: 'b' },
  ];
  const one = planBatches({ pods, units: ['a', 'b'], beta: true, batchSize: 2, replicas: 4 });
  const two = planBatches({ pods: [...pods].reverse(), units: ['a', 'b'], beta: true, batchSize: 2, replicas: 4 });
  assert.deepEqual(one, two);
  assert.deepEqual(one.map((b) => b.pods), [['a-f', 'b-f'], ['a-lead', 'b-lead']]);
});

test('planBatches: order values order pods across units; equal values still interleave over units', () => {
  const pods: BatchPod[] = [
    { name: 'a-0', unit: 'a', order: '0' },
    { name: 'b-1', unit: 'b', order: '1' },
    { name: 'a-2', unit: 'a', order: '2' },
    { name: 'b-3', unit: 'b', order: '3' },
    { name: 'a-x', unit: 'a', order: '9' },
    { name: 'b-x', unit: 'b', order: '9' },
  ];
  const batches = planBatches({ pods, units: ['a', 'b'], beta: false, batchSize: 1, replicas: 6, orderDirection: 'Descending' });
  assert.deepEqual(batches.map((b) => b.pods[0]), ['a-x', 'b-x', 'b-3', 'a-2', 'b-1', 'a-0']);
});
