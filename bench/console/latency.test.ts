import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changeKey, domLatencies, firstArrivals, matchLatencies } from './latency.js';

test('firstArrivals keeps the earliest arrival of each change', () => {
  const m = firstArrivals([
    { key: 'a@1', at: 30 },
    { key: 'a@1', at: 10 },
    { key: 'b@2', at: 20 },
  ]);
  assert.deepEqual([...m], [['a@1', 10], ['b@2', 20]]);
});

test('matchLatencies: delay after the source, once per change; unknown changes counted apart', () => {
  const source = new Map([[changeKey('p1', '5'), 100], [changeKey('p2', '6'), 200]]);
  const r = matchLatencies(source, [
    { key: 'p1@5', at: 150 },
    { key: 'p1@5', at: 400 },
    { key: 'p2@6', at: 260 },
    { key: 'p3@7', at: 300 },
  ]);
  assert.deepEqual(r.samples.sort((a, b) => a - b), [50, 60]);
  assert.equal(r.unmatched, 1);
});

test('domLatencies: a DOM change is caused by the last message before it; first render is skipped', () => {
  const source = new Map([[changeKey('p1', '5'), 1000], [changeKey('p1', '9'), 2000], [changeKey('p2', '3'), 1500]]);
  const messages = [
    { pod: 'p1', resourceVersion: '5', at: 1010 },
    { pod: 'p1', resourceVersion: '9', at: 2020 },
    { pod: 'p2', resourceVersion: '3', at: 1520 },
  ];
  const changes = [
    { pod: 'p1', state: 'ready', at: 900 }, // before any message: the first render
    { pod: 'p1', state: 'draining', at: 1100 },
    { pod: 'p1', state: 'updating', at: 2300 },
    { pod: 'p2', state: 'ready', at: 1800 },
  ];
  const r = domLatencies(source, messages, changes);
  assert.deepEqual(r.samples, [100, 300, 300]);
  assert.equal(r.unmatched, 0);
  // A message the source never saw cannot be timed: counted, not guessed.
  const r2 = domLatencies(new Map(), messages, changes);
  assert.deepEqual(r2.samples, []);
  assert.equal(r2.unmatched, 3);
});
