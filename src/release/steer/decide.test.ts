import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlinthError } from '../../errors/index.js';
import { decideConfirm, decidePause, decideRollback, waitingBatch } from './decide.js';
import { waitingOrder } from '../../../test/support/release-orders.js';

const refused = (re: RegExp) => (e: PlinthError): boolean => e.code === 'RELEASE_ACTION_REFUSED' && re.test(e.message) && e.exitCode === 1;

test('confirm targets the batch that waits: confirmedBatches = its 0-based index', () => {
  const o = waitingOrder();
  assert.equal(waitingBatch(o), 1);
  const d = decideConfirm(o);
  assert.deepEqual(d.set, { confirmedBatches: 1 });
  assert.equal(d.batch, 1);
  assert.equal(d.message, 'confirmed batch 2 of 3: spec.confirmedBatches 0 → 1; it starts now');
  // The last batch waits next.
  const later = waitingOrder({
    spec: { confirmedBatches: 1 },
    status: {
      currentBatch: 2,
      batches: waitingOrder().status!.batches!.map((b) => (b.index === 1 ? { ...b, phase: 'Succeeded' as const } : b.index === 2 ? { ...b, phase: 'WaitingForConfirm' as const } : b)),
    },
  });
  assert.deepEqual(decideConfirm(later).set, { confirmedBatches: 2 });
  // Paused: confirmed all the same, and said when it starts.
  assert.match(decideConfirm(waitingOrder({ spec: { paused: true } })).message, /starts once the release is resumed/);
});

test('confirm refuses when nothing waits, and does nothing when already confirmed', () => {
  const running = waitingOrder({
    spec: { confirmedBatches: 1 },
    status: { phase: 'Progressing', batches: waitingOrder().status!.batches!.map((b) => (b.index === 1 ? { ...b, phase: 'Running' as const } : b)) },
  });
  assert.equal(waitingBatch(running), undefined);
  assert.throws(() => decideConfirm(running, undefined, 'web -n prod'), refused(/no batch waits for confirmation \(Progressing, batch 2 of 3 is Running\)/));
  assert.throws(() => decideConfirm(running, undefined, 'web -n prod'), (e: PlinthError) => e.hint.includes('plinth release status web -n prod --watch'));
  assert.throws(() => decideConfirm(waitingOrder({ status: { phase: 'Completed' } })), refused(/the release is Completed/));
  assert.throws(() => decideConfirm(waitingOrder({ spec: { rollback: true } })), refused(/a rollback was requested/));
  assert.throws(() => decideConfirm(waitingOrder({ status: { phase: 'Pending', batches: undefined, currentBatch: undefined } })), refused(/not planned its batches yet/));
  // The user confirmed, the controller has not caught up yet.
  const stale = decideConfirm(waitingOrder({ spec: { confirmedBatches: 1 } }));
  assert.equal(stale.set, undefined);
  assert.match(stale.message, /already confirmed/);
});

test('confirm --batch K confirms every batch up to K (1-based)', () => {
  const o = waitingOrder();
  assert.deepEqual(decideConfirm(o, 3).set, { confirmedBatches: 2 });
  assert.equal(decideConfirm(o, 3).message, 'confirmed batches up to 3 of 3: spec.confirmedBatches 0 → 2; batch 2 starts now');
  assert.deepEqual(decideConfirm(o, 2).set, { confirmedBatches: 1 });
  assert.equal(decideConfirm(o, 1).set, undefined, 'batch 1 never waits');
  assert.equal(decideConfirm(waitingOrder({ spec: { confirmedBatches: 2 } }), 2).set, undefined, 'already confirmed');
  assert.throws(() => decideConfirm(o, 4), (e: PlinthError) => e.code === 'INVALID_ARGUMENT' && /4 is not a batch of this release \(it has 3\)/.test(e.message));
  // Ahead of time, while a batch runs.
  const running = waitingOrder({ status: { phase: 'Progressing', batches: waitingOrder().status!.batches!.map((b) => (b.index === 1 ? { ...b, phase: 'Running' as const } : b)) }, spec: { confirmedBatches: 1 } });
  assert.deepEqual(decideConfirm(running, 3).set, { confirmedBatches: 2 });
});

test('pause and resume flip spec.paused; repeating is a no-op; finished releases refuse', () => {
  assert.deepEqual(decidePause(waitingOrder(), true).set, { paused: true });
  assert.equal(decidePause(waitingOrder({ spec: { paused: true } }), true).set, undefined);
  assert.deepEqual(decidePause(waitingOrder({ spec: { paused: true } }), false).set, { paused: false });
  assert.equal(decidePause(waitingOrder(), false).set, undefined);
  assert.equal(decidePause(waitingOrder(), true).batch, 1);
  assert.throws(() => decidePause(waitingOrder({ status: { phase: 'RolledBack' } }), true), refused(/cannot pause .*the release is RolledBack/));
});

test('rollback says what will happen; refused when there is nothing to roll back', () => {
  const d = decideRollback(waitingOrder());
  assert.deepEqual(d.set, { rollback: true });
  assert.match(d.message, /^rollback requested: the release stops; the 3 pod\(s\) of batch\(es\) 1 return to revision 5d8f7c, the latest batch first/);
  assert.match(d.message, /This cannot be cancelled$/);
  const fresh = decideRollback(waitingOrder({ status: { batches: waitingOrder().status!.batches!.map((b) => ({ ...b, phase: 'Pending' as const, startedAt: undefined })) } }));
  assert.match(fresh.message, /no batch has started: the release stops and nothing changes/);
  assert.equal(decideRollback(waitingOrder({ spec: { rollback: true } })).set, undefined);
  assert.deepEqual(decideRollback(waitingOrder({ status: { phase: 'Completed' } })).set, { rollback: true }, 'a completed release can be rolled back');
  assert.throws(() => decideRollback(waitingOrder({ status: { phase: 'Superseded' } })), refused(/the release is Superseded/));
  const done = decideRollback(waitingOrder({ spec: { rollback: true }, status: { phase: 'RolledBack' } }));
  assert.deepEqual([done.set, done.message], [undefined, 'the release is already rolled back: every pod runs revision 5d8f7c again']);
});
