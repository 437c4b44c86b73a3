import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WaveT } from '../../api/index.js';
import { planWaves, resolveAmount } from './waves.js';
import type { MemberView } from './types.js';

const m = (name: string, tier: string): MemberView => ({ name, labels: { tier }, accepted: true });
const placed = [m('h', 'hub'), ...['p1', 'p2', 'p3', 'p4', 'p5'].map((n) => m(n, 'province')), m('e1', 'edge'), m('e2', 'edge')];
const wave = (w: Partial<WaveT> & { name: string }): WaveT => ({ maxFailures: 0, soakSeconds: 0, needConfirm: false, ...w });

test('amounts: numbers, percents rounded up, clamped', () => {
  assert.equal(resolveAmount(3, 10), 3);
  assert.equal(resolveAmount('25%', 10), 3);
  assert.equal(resolveAmount('100%', 7), 7);
  assert.equal(resolveAmount(50, 7), 7);
  assert.equal(resolveAmount(undefined, 4), 4);
  assert.equal(resolveAmount('2', 4), 2);
});

test('no waves: one wave of all placed clusters', () => {
  const w = planWaves(undefined, placed);
  assert.equal(w.length, 1);
  assert.equal(w[0]!.name, 'all');
  assert.equal(w[0]!.clusters.length, 8);
  assert.equal(w[0]!.maxConcurrent, 8);
});

test('waves by selector, names and count take from what earlier waves left, the rest goes last', () => {
  const w = planWaves(
    [
      wave({ name: 'canary', clusterNames: ['p3'] }),
      wave({ name: 'hub', clusterSelector: { matchLabels: { tier: 'hub' } } }),
      wave({ name: 'half', count: '50%', maxConcurrent: 2, needConfirm: true }),
    ],
    placed,
  );
  assert.deepEqual(w.map((x) => x.name), ['canary', 'hub', 'half', 'rest']);
  assert.deepEqual(w[0]!.clusters, ['p3']);
  assert.deepEqual(w[1]!.clusters, ['h']);
  // 6 remain (e1 e2 p1 p2 p4 p5): 50% = 3, by name.
  assert.deepEqual(w[2]!.clusters, ['e1', 'e2', 'p1']);
  assert.equal(w[2]!.maxConcurrent, 2);
  assert.equal(w[2]!.needConfirm, true);
  assert.deepEqual(w[3]!.clusters, ['p2', 'p4', 'p5']);
  assert.equal(w[3]!.implicit, true);
});

test('no rest wave when the listed waves take everything; the rest name avoids a listed one', () => {
  assert.equal(planWaves([wave({ name: 'a', count: 2 }), wave({ name: 'b' })], placed).length, 2);
  const w = planWaves([wave({ name: 'rest', count: 1 })], placed);
  assert.deepEqual(w.map((x) => x.name), ['rest', 'rest-2']);
});
