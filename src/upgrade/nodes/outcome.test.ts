import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runOutcome, windowDone } from './outcome.js';
import type { Counts } from './state.js';

const counts = (o: Partial<Counts>): Counts => ({ total: 6, done: 0, inFlight: 0, failed: 0, pending: 0, skipped: 0, aborted: 0, ...o });

test('runOutcome: abort wins; a pause with work left is Paused; failures or unstarted nodes fail the run', () => {
  assert.deepEqual(runOutcome(counts({ pending: 3 }), 'abort', 'stop'), { phase: 'Aborted' });
  assert.deepEqual(runOutcome(counts({ pending: 3 }), 'pause', 'stop'), { phase: 'Paused' });
  assert.deepEqual(runOutcome(counts({ done: 6 }), 'pause', 'stop'), { phase: 'Succeeded' });
  assert.deepEqual(runOutcome(counts({ done: 5, skipped: 1 }), '', 'stop'), { phase: 'Succeeded' });
  assert.deepEqual(runOutcome(counts({ done: 5, failed: 1 }), '', 'stop'), { phase: 'Failed' });
  assert.deepEqual(runOutcome(counts({ done: 2, failed: 1, pending: 3 }), '', 'stop'), { phase: 'Failed', message: '1 node(s) failed; 3 not started (--on-failure stop)' });
  assert.deepEqual(runOutcome(counts({ failed: 2, pending: 4 }), '', 'continue'), { phase: 'Failed', message: '2 node(s) failed; 4 not started (failed nodes fill the window)' });
});

test('windowDone: only once nothing is in flight and nothing may start', () => {
  assert.equal(windowDone(1, 0, true, 2, 0), false);
  assert.equal(windowDone(0, 3, true, 2, 0), false);
  assert.equal(windowDone(0, 0, true, 2, 0), true);
  assert.equal(windowDone(0, 3, false, 2, 0), true);
  assert.equal(windowDone(0, 3, true, 2, 2), true);
});
