import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slowStart } from './slow-start.js';

void test('slow start: batches double, each runs at once', async () => {
  const inFlight: number[] = [];
  let now = 0;
  const started = await slowStart([...Array(10).keys()], 1, async () => {
    now++;
    inFlight.push(now);
    await new Promise((r) => setTimeout(r, 5));
    now--;
    return true;
  });
  assert.equal(started, 10);
  // Batches 1, 2, 4, 3: the peak of calls in flight is 4.
  assert.equal(Math.max(...inFlight), 4);
});

void test('slow start: a failed batch stops the rest', async () => {
  const seen: number[] = [];
  const started = await slowStart([...Array(20).keys()], 1, (i) => {
    seen.push(i);
    return Promise.resolve(i !== 4); // in the third batch (3..6)
  });
  assert.equal(started, 7);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6]);
});
