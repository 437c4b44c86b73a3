import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom, simulateClient } from './client-sim.js';
import type { Interval } from './lossless.js';

test('the PRNG is seeded and in [0, 1)', () => {
  const a = seededRandom(7);
  const b = seededRandom(7);
  for (let i = 0; i < 100; i++) {
    const x = a();
    assert.equal(x, b());
    assert.ok(x >= 0 && x < 1);
  }
});

test('no pod going away: no lossy request; rate and window give the request count', () => {
  const ready = new Map<string, Interval[]>([
    ['a', [[0, 10_000]]],
    ['b', [[0, 10_000]]],
  ]);
  const r = simulateClient(ready, new Map(), { rate: 200, from: 0, to: 1000, delayMs: 0, seed: 1 });
  assert.deepEqual(r, { requests: 200, lossy: 0, noEndpoint: 0 });
});

test('the only endpoint listed after its deletion: every request in that gap is lossy', () => {
  // a deleted at 1000 and listed until 1500; b listed throughout and never going away.
  const ready = new Map<string, Interval[]>([['a', [[0, 1500]]]]);
  const r = simulateClient(ready, new Map([['a', [[1000, Infinity]] as Interval[]]]), { rate: 100, from: 0, to: 2000, delayMs: 0, seed: 1 });
  // Requests every 10 ms: 1000..1490 reach a after it went away (50); from 1500 there is no endpoint (50).
  assert.equal(r.requests, 200);
  assert.equal(r.lossy, 50);
  assert.equal(r.noEndpoint, 50);
});

test('the propagation delay extends the lossy gap and can make a drained pod lossy', () => {
  // a is removed from the slices at 1000, before its image changes at 1050.
  const ready = new Map<string, Interval[]>([['a', [[0, 1000]]]]);
  const away = new Map([['a', [[1050, 1300]] as Interval[]]]);
  const zero = simulateClient(ready, away, { rate: 100, from: 0, to: 2000, delayMs: 0, seed: 3 });
  assert.equal(zero.lossy, 0);
  const late = simulateClient(ready, away, { rate: 100, from: 0, to: 2000, delayMs: 100, seed: 3 });
  // The client still routes to a until 1100: requests at 1050..1090 are lossy.
  assert.equal(late.lossy, 5);
});

test('requests spread over the ready endpoints', () => {
  const ready = new Map<string, Interval[]>([
    ['a', [[0, 100_000]]],
    ['b', [[0, 100_000]]],
  ]);
  const r = simulateClient(ready, new Map([['b', [[0, Infinity]] as Interval[]]]), { rate: 1000, from: 0, to: 10_000, delayMs: 0, seed: 42 });
  assert.equal(r.requests, 10_000);
  assert.ok(r.lossy > 4_500 && r.lossy < 5_500, `about half reach b: ${r.lossy}`);
});
