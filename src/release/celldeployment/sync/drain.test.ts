import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakePod } from '../../fixtures.js';
import { drainState } from './drain.js';

const t0 = '2024-01-01T00:00:00.000Z';
const at = (ms: number): Date => new Date(Date.parse(t0) + ms);

test('a serving pod starts draining; a drained one waits for the slices and the timer', () => {
  assert.deepEqual(drainState(fakePod({ name: 'p', gate: 'True' }), true, 3, at(0)), { step: 'start' });
  const drained = fakePod({ name: 'p', gate: 'False', drainStarted: t0, ready: false });
  assert.equal(drainState(drained, true, 3, at(5000)).step, 'wait', 'still listed as serving');
  const w = drainState(drained, false, 3, at(1000));
  assert.equal(w.step, 'wait');
  assert.equal(w.step === 'wait' && w.ms, 2000, 'the timer continues from the annotation (a restarted controller too)');
  assert.deepEqual(drainState(drained, false, 3, at(3000)), { step: 'drained' });
  assert.deepEqual(drainState(drained, false, 0, at(0)), { step: 'drained' });
});

test('a pod that never served has nothing to drain', () => {
  assert.deepEqual(drainState(fakePod({ name: 'p', ready: false }), false, 3, at(0)), { step: 'drained' });
  assert.deepEqual(drainState(fakePod({ name: 'p', ready: false, gate: 'True' }), false, 3, at(0)), { step: 'start' }, 'gate True: it may serve');
  assert.deepEqual(drainState(fakePod({ name: 'p', ready: false }), true, 3, at(0)), { step: 'start' }, 'listed as serving');
});

test('an annotation without the gate False (a half-done write) drains again', () => {
  assert.deepEqual(drainState(fakePod({ name: 'p', gate: 'True', drainStarted: t0 }), false, 3, at(9000)), { step: 'start' });
});
