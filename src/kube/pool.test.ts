import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachLimit } from './pool.js';

test('runs every item with at most `limit` calls in flight', async () => {
  let inFlight = 0;
  let most = 0;
  const done: number[] = [];
  await forEachLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    done.push(n);
    inFlight--;
  });
  assert.deepEqual(done.sort(), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(most, 3);
});

test('the first error stops new calls and is thrown once those in flight end', async () => {
  const started: number[] = [];
  await assert.rejects(
    forEachLimit([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await new Promise((r) => setTimeout(r, 2));
      if (n === 2) throw new Error('two failed');
    }),
    /two failed/,
  );
  assert.ok(started.length < 6, `started ${started.join(',')}`);
});
