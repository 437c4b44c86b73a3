import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeApiError } from '../../kube/api-error.js';
import { isRetryable } from '../../kube/retry.js';
import { specPatch } from './actions.js';
import { historyPatch, mayBeFailedTest } from './record.js';
import { waitingOrder } from '../../../test/support/release-orders.js';

const entry = { at: '2026-01-01T10:05:00Z', by: 'alice', action: 'Confirm', batch: 1, message: 'confirmed batch 2 of 3' };

test('the history patch appends, guarded by the resourceVersion read', () => {
  assert.deepEqual(historyPatch(waitingOrder(), entry), [
    { op: 'test', path: '/metadata/resourceVersion', value: '1234' },
    { op: 'add', path: '/status/history/-', value: entry },
  ]);
});

test('the history patch creates the array (or the status) when absent', () => {
  const noHistory = waitingOrder({ status: { history: undefined } });
  delete noHistory.status!.history;
  assert.deepEqual(historyPatch(noHistory, entry)[1], { op: 'add', path: '/status/history', value: [entry] });
  const noStatus = { ...waitingOrder(), status: undefined };
  assert.deepEqual(historyPatch(noStatus, entry)[1], { op: 'add', path: '/status', value: { history: [entry] } });
  assert.throws(() => historyPatch({ ...waitingOrder(), metadata: { name: 'x' } }, entry), /without a resourceVersion/);
});

test('the spec patch sets only the decided fields, guarded the same way', () => {
  assert.deepEqual(specPatch(waitingOrder(), { confirmedBatches: 2 }), [
    { op: 'test', path: '/metadata/resourceVersion', value: '1234' },
    { op: 'add', path: '/spec/confirmedBatches', value: 2 },
  ]);
  assert.deepEqual(specPatch(waitingOrder(), { paused: false })[1], { op: 'add', path: '/spec/paused', value: false });
});

test('a lost race is a conflict (409); a bare 422 may be a failed test and is checked by reading again', () => {
  const err = (status: number, message: string, reason?: string): KubeApiError => new KubeApiError({ status, message, verb: 'patch', target: 'x', ...(reason ? { reason } : {}) });
  assert.ok(isRetryable(err(409, 'the object has been modified')));
  assert.ok(!isRetryable(err(409, 'exists', 'AlreadyExists')));
  assert.ok(!isRetryable(err(422, 'the server rejected our request due to an error in our request')));
  assert.ok(mayBeFailedTest(err(422, 'the server rejected our request due to an error in our request')));
  assert.ok(!mayBeFailedTest(err(403, 'forbidden')));
  assert.ok(!isRetryable(new Error('test')));
});
