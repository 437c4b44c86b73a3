import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setCondition, statusEqual, type Condition } from './status.js';

void test('status equality ignores key order, absent vs undefined/null, and condition order', () => {
  const a = { observedGeneration: 3, replicas: 2, conditions: [{ type: 'Ready', status: 'True' }, { type: 'Progressing', status: 'False', reason: 'Paused' }] };
  const b = { conditions: [{ status: 'False', type: 'Progressing', reason: 'Paused' }, { type: 'Ready', status: 'True', message: undefined }], replicas: 2, observedGeneration: 3, extra: null };
  assert.ok(statusEqual(a, b));
  assert.ok(statusEqual(undefined, {}) === false);
  assert.ok(statusEqual(undefined, null));
  assert.ok(!statusEqual(a, { ...b, replicas: 3 }));
  assert.ok(!statusEqual(a, { ...b, conditions: [b.conditions[0]] }));
  assert.ok(!statusEqual({ conditions: [{ type: 'Ready', status: 'True' }] }, { conditions: [{ type: 'Ready', status: 'False' }] }));
});

void test('ordered arrays stay ordered', () => {
  assert.ok(!statusEqual({ batches: [{ name: 'a' }, { name: 'b' }] }, { batches: [{ name: 'b' }, { name: 'a' }] }));
  assert.ok(statusEqual({ batches: [{ name: 'a' }, { name: 'b' }] }, { batches: [{ name: 'b' }, { name: 'a' }] }, { unorderedBy: ['name'] }));
  assert.ok(!statusEqual({ ids: [1, 2] }, { ids: [2, 1] }));
});

void test('dates compare as their JSON strings', () => {
  const d = new Date('2024-01-02T03:04:05Z');
  assert.ok(statusEqual({ t: d }, { t: '2024-01-02T03:04:05.000Z' }));
});

void test('setCondition keeps lastTransitionTime while the status is unchanged', () => {
  const t0 = new Date('2024-01-01T00:00:00Z');
  const t1 = new Date('2024-01-01T01:00:00Z');
  let conds: Condition[] = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'Starting' }, t0);
  assert.equal(conds[0]!.lastTransitionTime, '2024-01-01T00:00:00Z');
  conds = setCondition(conds, { type: 'Ready', status: 'False', reason: 'StillStarting' }, t1);
  assert.equal(conds[0]!.lastTransitionTime, '2024-01-01T00:00:00Z');
  assert.equal(conds[0]!.reason, 'StillStarting');
  const next = setCondition(conds, { type: 'Ready', status: 'True' }, t1);
  assert.equal(next[0]!.lastTransitionTime, '2024-01-01T01:00:00Z');
  assert.equal(conds[0]!.status, 'False', 'input not modified');
  assert.ok(statusEqual({ conditions: conds }, { conditions: setCondition(conds, { type: 'Ready', status: 'False', reason: 'StillStarting' }, t1) }), 'idempotent');
});
