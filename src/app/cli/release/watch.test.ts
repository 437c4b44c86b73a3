import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changeLine, FINAL_PHASES } from './watch.js';
import { waitingOrder, webCd } from '../../../../test/support/release-orders.js';

test('without a TTY, --watch prints one line per change: time, summary, workload', () => {
  assert.equal(
    changeLine(waitingOrder(), webCd(), new Date('2026-01-01T10:05:00.250Z')),
    '2026-01-01T10:05:00Z web-7c9b1a web 5d8f7c→7c9b1a: WaitingForConfirm, batch 2/3 waiting for confirmation, 3/6 pods updated; ' +
      'last: WaitingForConfirm by system:plinth; workload 6/6 ready, 3 updated',
  );
  assert.doesNotMatch(changeLine(waitingOrder(), undefined, new Date()), /workload/);
});

test('--watch ends on the phases after which an order does not move', () => {
  assert.deepEqual([...FINAL_PHASES].sort(), ['Completed', 'Failed', 'RolledBack', 'Superseded']);
});
