import { test } from 'node:test';
import assert from 'node:assert/strict';
import { awayIntervals, endpointObs, listedIntervals, lossyTime, type PodObs, type SliceObs } from './lossless.js';

const OLD = 'web:1';
const NEW = 'web:2';
const ep = (uid: string, ready: boolean, serving = ready, terminating = false): SliceObs['endpoints'][number] => ({ uid, ready, serving, terminating });
const pod = (t: number, uid: string, o: Partial<PodObs> = {}): PodObs => ({ t, uid, image: OLD, deleting: false, gone: false, upToDate: true, ...o });

test('API nils: nil ready is ready, nil serving follows ready', () => {
  assert.deepEqual(endpointObs('a', undefined), { uid: 'a', ready: true, serving: true, terminating: false });
  assert.deepEqual(endpointObs('a', { ready: false, serving: null }), { uid: 'a', ready: false, serving: false, terminating: false });
  assert.deepEqual(endpointObs('a', { ready: false, serving: true, terminating: true }), { uid: 'a', ready: false, serving: true, terminating: true });
});

test('listed intervals: per UID over several slices, a move between slices does not break the interval', () => {
  const slices: SliceObs[] = [
    { t: 0, slice: 's1', endpoints: [ep('a', true), ep('b', true)] },
    { t: 100, slice: 's2', endpoints: [ep('a', true)] },
    { t: 200, slice: 's1', endpoints: [ep('b', true)] }, // a now only in s2
    { t: 300, slice: 's2', endpoints: [ep('a', false, true, true)] }, // terminating, still serving
    { t: 500, slice: 's2', endpoints: [] },
  ];
  const ready = listedIntervals(slices, 'ready', 1000);
  assert.deepEqual(ready.get('a'), [[0, 300]]);
  assert.deepEqual(ready.get('b'), [[0, 1000]]);
  const serving = listedIntervals(slices, 'readyOrServing', 1000);
  assert.deepEqual(serving.get('a'), [[0, 500]]);
});

test('away: from a deletion on, and from an image change until the new container is up; a preStop delays only the deletion', () => {
  const pods: PodObs[] = [
    pod(0, 'a'),
    pod(400, 'a', { deleting: true }),
    pod(450, 'a', { deleting: true, gone: true }),
    pod(0, 'b'),
    pod(700, 'b', { image: NEW, upToDate: false }),
    pod(900, 'b', { image: NEW, upToDate: true }),
    pod(600, 'c', { image: NEW }), // created with the new image: never going away
    pod(0, 'd'),
    pod(100, 'd', { deleting: true }),
    pod(5100, 'd', { deleting: true, gone: true }),
    pod(0, 'e'),
    pod(50, 'e', { image: NEW, upToDate: false }), // never restarted
  ];
  const strict = awayIntervals(pods);
  assert.deepEqual(strict.get('a'), [[400, Infinity]]);
  assert.deepEqual(strict.get('b'), [[700, 900]]);
  assert.equal(strict.get('c'), undefined);
  assert.deepEqual(strict.get('d'), [[100, Infinity]]);
  assert.deepEqual(strict.get('e'), [[50, Infinity]]);
  const preStop = awayIntervals(pods, 5000);
  assert.deepEqual(preStop.get('a'), [[450, Infinity]], 'gone before its preStop would end');
  assert.deepEqual(preStop.get('b'), [[700, 900]], 'an image change is not delayed');
  assert.deepEqual(preStop.get('d'), [[5100, Infinity]]);
});

test('a drained pod (out of the slices before its image changed) counts nothing', () => {
  const slices: SliceObs[] = [
    { t: 0, slice: 's', endpoints: [ep('a', true), ep('b', true)] },
    { t: 300, slice: 's', endpoints: [ep('a', false), ep('b', true)] },
    { t: 900, slice: 's', endpoints: [ep('a', true), ep('b', true)] },
  ];
  const pods = [pod(0, 'a'), pod(0, 'b'), pod(400, 'a', { image: NEW, upToDate: false }), pod(600, 'a', { image: NEW })];
  const r = lossyTime(listedIntervals(slices, 'readyOrServing', 2000), awayIntervals(pods));
  assert.deepEqual(r, { podSeconds: 0, pods: 0, maxSeconds: 0 });
});

test('a pod deleted while still listed ready counts a violation: the check can fail', () => {
  const slices: SliceObs[] = [
    { t: 0, slice: 's', endpoints: [ep('a', true), ep('b', true)] },
    { t: 1250, slice: 's', endpoints: [ep('b', true)] },
  ];
  const pods = [pod(0, 'a'), pod(0, 'b'), pod(1000, 'a', { deleting: true }), pod(1010, 'a', { deleting: true, gone: true }), pod(3000, 'b', { image: NEW, upToDate: false })];
  const r = lossyTime(listedIntervals(slices, 'ready', 4000), awayIntervals(pods));
  // a: listed until 1250, away from 1000 -> 0.25 s; b: image changed at 3000, listed until the end (4000) -> 1 s.
  assert.equal(r.pods, 2);
  assert.equal(r.podSeconds, 1.25);
  assert.equal(r.maxSeconds, 1);
});
