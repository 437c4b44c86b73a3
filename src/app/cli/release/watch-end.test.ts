import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitingOrder } from '../../../../test/support/release-orders.js';
import { SUPERSEDE_GRACE_MS, watchEnd } from './watch-end.js';

const at = (phase: string) => ({ ...waitingOrder(), status: { ...waitingOrder().status, phase } }) as ReturnType<typeof waitingOrder>;
const base = { followsCellDeployment: false, supersededAt: 0, now: 100_000, namespace: 'prod', ref: 'web', nsFlag: ' -n prod' };

test('the watch ends on final phases: Failed with RELEASE_FAILED naming the rollback, others with 0', () => {
  assert.deepEqual(watchEnd({ ...base, order: at('WaitingForConfirm') }), { over: false });
  assert.deepEqual(watchEnd({ ...base, order: at('Completed') }), { over: true, code: 0 });
  const failed = watchEnd({ ...base, order: at('Failed') });
  assert.ok(failed.over && 'error' in failed);
  assert.equal(failed.error.code, 'RELEASE_FAILED');
  assert.match(failed.error.hint, /plinth release rollback web -n prod/);
});

test('a Superseded order of a followed CellDeployment waits a grace time for its successor', () => {
  const order = at('Superseded');
  assert.deepEqual(watchEnd({ ...base, order, followsCellDeployment: true, supersededAt: base.now - 1000 }), { over: false, recheckMs: 1000 });
  assert.deepEqual(watchEnd({ ...base, order, followsCellDeployment: true, supersededAt: base.now - SUPERSEDE_GRACE_MS }), { over: true, code: 0 });
  assert.deepEqual(watchEnd({ ...base, order }), { over: true, code: 0 });
});
