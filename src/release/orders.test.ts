import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeOrder } from '../../test/support/release-objects.js';
import { isRollingBack, isTerminal, latestOrder, orderName } from './orders.js';

test('the latest order is the highest sequence, not the name or list order', () => {
  const a = fakeOrder({ name: 'web-zzz', sequence: 1 });
  const b = fakeOrder({ name: 'web-aaa', sequence: 2 });
  assert.equal(latestOrder([b, a]), b);
  assert.equal(latestOrder([a, b]), b);
  assert.equal(latestOrder([]), undefined);
});

test('order names: <cd>-<revision>, with the sequence when the name is taken', () => {
  assert.equal(orderName('web', 'abc', 3, new Set()), 'web-abc');
  assert.equal(orderName('web', 'abc', 3, new Set(['web-abc'])), 'web-abc-3');
  assert.ok(orderName('x'.repeat(300), 'abc', 1, new Set()).length <= 253);
});

test('terminal phases and rollback', () => {
  assert.ok(isTerminal(fakeOrder({ status: { phase: 'Completed' } })));
  assert.ok(!isTerminal(fakeOrder({ status: { phase: 'WaitingForConfirm' } })));
  assert.ok(!isTerminal(fakeOrder({})));
  assert.ok(isRollingBack(fakeOrder({ spec: { rollback: true }, status: { phase: 'Progressing' } })));
  assert.ok(isRollingBack(fakeOrder({ status: { phase: 'RollingBack' } })), 'a failed check can start a rollback');
  assert.ok(!isRollingBack(fakeOrder({ spec: { rollback: true }, status: { phase: 'Superseded' } })));
});
