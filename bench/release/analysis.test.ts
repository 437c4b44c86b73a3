import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseLoss } from './analysis.js';
import type { PodObs, SliceObs } from './lossless.js';

const pod = (t: number, uid: string, o: Partial<PodObs> = {}): PodObs => ({ t, uid, image: 'web:1', deleting: false, gone: false, upToDate: true, ...o });
const ep = (uid: string, ready: boolean, serving: boolean, terminating = false): SliceObs['endpoints'][number] => ({ uid, ready, serving, terminating });

test('a preStop sleep: serving while terminating counts in the issue reading, not once the process is known to serve', () => {
  // a is deleted at 1000; the slice lists it ready until 1200, then serving+terminating until it is gone at 6000.
  const pods = [pod(0, 'a'), pod(0, 'b'), pod(1000, 'a', { deleting: true }), pod(6000, 'a', { deleting: true, gone: true })];
  const slices: SliceObs[] = [
    { t: 0, slice: 's', endpoints: [ep('a', true, true), ep('b', true, true)] },
    { t: 1200, slice: 's', endpoints: [ep('a', false, true, true), ep('b', true, true)] },
    { t: 6000, slice: 's', endpoints: [ep('b', true, true)] },
  ];
  const r = analyseLoss(pods, slices, { from: 500, to: 8000, preStopMs: 5000, rate: 100, delaysMs: [0, 100], seed: 1 });
  assert.equal(r.podSeconds.podSeconds, 5);
  assert.equal(r.podSecondsReady.podSeconds, 0.2);
  assert.equal(r.podSecondsStopped.podSeconds, 0);
  assert.equal(r.requestsStopped.every((x) => x.lossy === 0), true);
  // Requests every 10 ms; in [1000, 1200) half of them go to a (20 ± noise); with 100 ms delay, [1000, 1300).
  const [zero, late] = r.requests;
  assert.equal(zero!.requests, 750);
  assert.ok(zero!.lossy > 3 && zero!.lossy < 20, `some requests reach a: ${zero!.lossy}`);
  assert.ok(late!.lossy > zero!.lossy, 'a later view of the slices loses more');
});

test('observations before the window count as the state at its start', () => {
  const pods = [pod(0, 'a'), pod(100, 'a', { deleting: true })];
  const slices: SliceObs[] = [{ t: 0, slice: 's', endpoints: [ep('a', true, true)] }];
  const r = analyseLoss(pods, slices, { from: 1000, to: 3000, preStopMs: 0, rate: 10, delaysMs: [0], seed: 1 });
  assert.equal(r.podSeconds.podSeconds, 2);
  assert.equal(r.requests[0]!.lossy, 20);
});

test('a propagation delay does not leave the start of the window without endpoints', () => {
  const pods = [pod(0, 'a')];
  const slices: SliceObs[] = [{ t: 0, slice: 's', endpoints: [ep('a', true, true)] }];
  const r = analyseLoss(pods, slices, { from: 1000, to: 2000, preStopMs: 0, rate: 100, delaysMs: [0, 100], seed: 1 });
  assert.deepEqual(
    r.requests.map((x) => x.noEndpoint),
    [0, 0],
  );
});
