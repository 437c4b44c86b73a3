import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakePod } from '../../../test/support/release-objects.js';
import { drainState, TRAFFIC_SETTLE_MS } from './drain.js';

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

test('slices are believed only after the pod has been not Ready for the settle time (the EndpointSlice controller may lag)', () => {
  const stillReady = fakePod({ name: 'p', gate: 'False', drainStarted: t0, ready: true });
  const w = drainState(stillReady, false, 0, at(9000));
  assert.equal(w.step === 'wait' && w.ms, undefined, 'Ready still True: the kubelet has not applied the gate; a pod event will follow');
  // Ready went False at t0 + 2.4 s (stored as whole seconds: t0 + 2 s): trusted from t0 + 3 s + settle.
  const notReady = fakePod({ name: 'p', gate: 'False', drainStarted: t0, ready: false, readySince: '2024-01-01T00:00:02Z' });
  const early = drainState(notReady, false, 0, at(2500));
  assert.equal(early.step, 'wait');
  assert.equal(early.step === 'wait' && early.ms, 3000 + TRAFFIC_SETTLE_MS - 2500);
  assert.match(early.step === 'wait' ? early.why : '', /settle/);
  assert.deepEqual(drainState(notReady, false, 0, at(3000 + TRAFFIC_SETTLE_MS)), { step: 'drained' });
  // A long drain covers the settle time.
  assert.deepEqual(drainState(notReady, false, 3, at(3000)).step, 'wait');
  const long = drainState(notReady, false, 10, at(5000));
  assert.equal(long.step === 'wait' && long.ms, 5000);
  assert.match(long.step === 'wait' ? long.why : '', /draining for 5s more/);
});

test('a pod being deleted is out of traffic when the slices say so, whatever its Ready condition', () => {
  const deleting = fakePod({ name: 'p', gate: 'False', drainStarted: t0, ready: true, deleting: true });
  assert.deepEqual(drainState(deleting, false, 0, at(0)), { step: 'drained' });
  assert.equal(drainState(deleting, true, 0, at(0)).step, 'wait');
});

test('a pod that had served for a while before its drain is believed out as soon as the slices say so', () => {
  const served = (readySince: string): ReturnType<typeof fakePod> =>
    fakePod({ name: 'p', gate: 'False', drainStarted: t0, ready: false, readySince: t0, readySinceAnnotation: readySince });
  // Ready since t0 - 10 s: the slices listed it ready long before the drain.
  assert.deepEqual(drainState(served('2023-12-31T23:59:50Z'), false, 0, at(0)), { step: 'drained' });
  assert.equal(drainState(served('2023-12-31T23:59:50Z'), true, 0, at(0)).step, 'wait', 'still listed: wait whatever the history');
  assert.equal(drainState(served('2023-12-31T23:59:50Z'), false, 2, at(1000)).step, 'wait', 'drainSeconds still applies');
  // Ready since t0 - 5 s (whole seconds, so maybe t0 - 4.x s): not long enough, the settle time applies.
  const recent = drainState(served('2023-12-31T23:59:55Z'), false, 0, at(0));
  assert.equal(recent.step, 'wait');
  assert.match(recent.step === 'wait' ? recent.why : '', /settle/);
  assert.deepEqual(drainState(served('2023-12-31T23:59:54Z'), false, 0, at(0)), { step: 'drained' }, 'ready since t0 - 6 s is enough');
});
