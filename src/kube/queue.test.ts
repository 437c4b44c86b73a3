import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, flush } from './clock.js';
import { WorkQueue } from './queue.js';
import { DefaultRateLimiter, ItemExponentialRateLimiter, TokenBucket } from './rate-limit.js';

void test('a key added while queued is queued once', async () => {
  const q = new WorkQueue({ name: 't-dedup' });
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.length, 0);
});

void test('a key added while processing is re-queued once after done', async () => {
  const q = new WorkQueue({ name: 't-requeue' });
  q.add('a');
  const k = await q.get();
  assert.equal(k, 'a');
  q.add('a');
  q.add('a');
  assert.equal(q.length, 0, 'not handed out while in flight');
  q.done('a');
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'a');
  q.done('a');
  assert.equal(q.length, 0);
});

void test('a waiting get() receives a key added later', async () => {
  const q = new WorkQueue({ name: 't-wait' });
  const p = q.get();
  q.add('x');
  assert.equal(await p, 'x');
});

void test('never two workers on the same key; concurrency is bounded', async () => {
  const q = new WorkQueue({ name: 't-conc' });
  const active = new Set<string>();
  let inFlight = 0;
  let maxInFlight = 0;
  let runs = 0;
  const worker = async (key: string): Promise<void> => {
    assert.ok(!active.has(key), `key ${key} processed concurrently`);
    active.add(key);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    runs++;
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    // Re-add keys while they are being processed.
    if (Math.random() < 0.5) q.add(key);
    active.delete(key);
    inFlight--;
  };
  const done = q.process(4, worker);
  for (let i = 0; i < 2000; i++) q.add(`k${i % 10}`);
  await new Promise((r) => setTimeout(r, 200));
  await q.shutdown({ drain: true });
  await done;
  assert.ok(maxInFlight <= 4, `max in flight ${maxInFlight}`);
  assert.ok(maxInFlight >= 2, 'used several workers');
  assert.ok(runs >= 10);
});

void test('addRateLimited backs off exponentially per key; forget resets', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ name: 't-backoff', clock, rateLimiter: new ItemExponentialRateLimiter(10, 1000) });
  const readyAfter = async (key: string): Promise<number> => {
    const start = clock.now();
    q.addRateLimited(key);
    let waited = 0;
    while (q.length === 0) {
      await clock.advance(1);
      waited++;
      assert.ok(waited < 5000);
    }
    const k = await q.get();
    q.done(k!);
    return clock.now() - start;
  };
  assert.deepEqual([await readyAfter('a'), await readyAfter('a'), await readyAfter('a'), await readyAfter('a')], [10, 20, 40, 80]);
  assert.equal(q.numRequeues('a'), 4);
  assert.equal(await readyAfter('b'), 10, 'per key');
  q.forget('a');
  assert.equal(q.numRequeues('a'), 0);
  assert.equal(await readyAfter('a'), 10);
  for (let i = 0; i < 10; i++) q.addRateLimited('c');
  await clock.advance(2000);
  assert.equal(q.length, 1, 'a key waits once');
});

void test('backoff is capped', () => {
  const rl = new ItemExponentialRateLimiter(5, 1000);
  const delays = Array.from({ length: 12 }, () => rl.when('k'));
  assert.deepEqual(delays.slice(0, 4), [5, 10, 20, 40]);
  assert.equal(delays.at(-1), 1000);
  assert.ok(delays.every((d) => d <= 1000));
});

void test('token bucket: burst then qps', async () => {
  const clock = new FakeClock();
  const b = new TokenBucket(10, 3, clock);
  assert.deepEqual([b.reserve(), b.reserve(), b.reserve()], [0, 0, 0]);
  assert.equal(b.reserve(), 100);
  assert.equal(b.reserve(), 200);
  await clock.advance(1000);
  // 1 s refills 10 tokens (capped at the burst), minus the two reserved.
  assert.equal(b.reserve(), 0);
});

void test('default rate limiter applies the overall bucket across keys', () => {
  const clock = new FakeClock();
  const rl = new DefaultRateLimiter({ baseMs: 1, maxMs: 1000, qps: 10, burst: 2, clock });
  assert.equal(rl.when('a'), 1);
  assert.equal(rl.when('b'), 1);
  assert.equal(rl.when('c'), 100, 'bucket empty: the third key waits for a token');
});

void test('addAfter: the earliest time wins, add() meanwhile makes it ready at once', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ name: 't-after', clock });
  q.addAfter('a', 100);
  q.addAfter('a', 50);
  q.addAfter('a', 200);
  await clock.advance(49);
  assert.equal(q.length, 0);
  await clock.advance(1);
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'a');
  q.done('a');
  await clock.advance(500);
  assert.equal(q.length, 0, 'the later timers were folded');
  assert.equal(clock.pending(), 0);
});

void test('shutdown without drain drops queued keys and waits for in-flight work', async () => {
  const q = new WorkQueue({ name: 't-stop' });
  q.add('a');
  q.add('b');
  const a = await q.get();
  let shut = false;
  const s = q.shutdown().then(() => {
    shut = true;
  });
  assert.equal(await q.get(), undefined);
  q.add('c');
  assert.equal(q.length, 0, 'adds are ignored after shutdown');
  await flush();
  assert.equal(shut, false, 'waits for the key in flight');
  q.done(a!);
  await s;
  assert.equal(shut, true);
});

void test('shutdown with drain hands out queued keys first', async () => {
  const q = new WorkQueue({ name: 't-drain' });
  for (const k of ['a', 'b', 'c']) q.add(k);
  const seen: string[] = [];
  const worker = q.process(2, async (k) => {
    seen.push(k);
    await new Promise((r) => setTimeout(r, 5));
  });
  const s = q.shutdown({ drain: true });
  await s;
  await worker;
  assert.deepEqual(seen.sort(), ['a', 'b', 'c']);
});

void test('shutdown cancels delayed keys', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ name: 't-stop-delay', clock });
  q.addAfter('a', 100);
  await q.shutdown();
  assert.equal(clock.pending(), 0);
  await clock.advance(200);
  assert.equal(q.length, 0);
});
