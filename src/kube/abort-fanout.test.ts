import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { onAbort } from './abort-fanout.js';

test('many waiters on one signal hold one abort listener, none once they are done', () => {
  const ac = new AbortController();
  const offs = Array.from({ length: 50 }, () => onAbort(ac.signal, () => assert.fail('not aborted')));
  assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
  for (const off of offs) off();
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  offs[0]!(); // idempotent
});

test('an abort calls every registered callback once', () => {
  const ac = new AbortController();
  const calls: number[] = [];
  const offs = [1, 2, 3].map((i) => onAbort(ac.signal, () => calls.push(i)));
  offs[1]!();
  ac.abort();
  assert.deepEqual(calls, [1, 3]);
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  for (const off of offs) off();
  // A new waiter on the aborted signal registers again (callers check signal.aborted first).
  const off = onAbort(ac.signal, () => undefined);
  off();
  assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
});
