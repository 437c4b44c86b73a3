import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DONE, REQUEUE, ownerKeys, requeueAfter, runController } from './controller.js';
import type { EventHandlers, Informer } from './informer.js';
import { ItemExponentialRateLimiter } from './rate-limit.js';
import type { KubeObject } from './resource.js';

/** Just enough of an informer to drive the harness. */
class FakeInformer {
  handlers = new Set<EventHandlers<KubeObject>>();
  started = false;
  private resolve!: () => void;
  synced = new Promise<void>((r) => (this.resolve = r));
  addHandler(h: EventHandlers<KubeObject>): () => void {
    this.handlers.add(h);
    return () => this.handlers.delete(h);
  }
  start(): this {
    this.started = true;
    return this;
  }
  sync(): void {
    this.resolve();
  }
  add(obj: KubeObject): void {
    for (const h of this.handlers) h.onAdd?.(obj);
  }
  update(old: KubeObject, obj: KubeObject): void {
    for (const h of this.handlers) h.onUpdate?.(old, obj);
  }
}
const asInformer = (f: FakeInformer): Informer => f as unknown as Informer;
const cm = (name: string, owner?: string): KubeObject => ({
  metadata: { name, namespace: 'ns', ownerReferences: owner ? [{ apiVersion: 'v1', kind: 'Parent', name: owner, uid: owner }] : undefined },
});
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

void test('workers start after sync; a failing reconcile is retried with growing backoff, then forgotten', async () => {
  const inf = new FakeInformer();
  const calls: number[] = [];
  const retriesSeen: number[] = [];
  let failures = 4;
  const c = runController({
    name: 't-retry',
    informers: [asInformer(inf)],
    rateLimiter: new ItemExponentialRateLimiter(20, 10_000),
    reconcile: (_key, ctx) => {
      calls.push(Date.now());
      retriesSeen.push(ctx.retries);
      if (failures-- > 0) return Promise.reject(new Error('boom'));
      return Promise.resolve(DONE);
    },
  });
  assert.ok(inf.started);
  inf.add(cm('a'));
  await sleep(30);
  assert.equal(calls.length, 0, 'no reconcile before the caches synced');
  inf.sync();
  await c.ready;
  while (calls.length < 5) await sleep(10);
  const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
  // At least 20, 40, 80, 160 ms: each retry waits at least twice as long as the one before (the lower bounds
  // prove the growth; upper bounds and ratios between measured gaps would only measure the machine's load).
  for (const [i, g] of gaps.entries()) assert.ok(g >= 20 * 2 ** i - 2, `gap ${i} = ${g} (gaps ${gaps.join(',')})`);
  assert.deepEqual(retriesSeen, [0, 1, 2, 3, 4]);
  assert.equal(c.queue.numRequeues('ns/a'), 0, 'forgotten after success');
  await c.stop();
});

void test('keys are never reconciled concurrently, while different keys run in parallel', async () => {
  const inf = new FakeInformer();
  const active = new Set<string>();
  let parallel = 0;
  let maxParallel = 0;
  let count = 0;
  const c = runController({
    name: 't-conc',
    informers: [asInformer(inf)],
    workers: 4,
    reconcile: async (key) => {
      assert.ok(!active.has(key), `${key} reconciled concurrently`);
      active.add(key);
      parallel++;
      maxParallel = Math.max(maxParallel, parallel);
      await sleep(2);
      count++;
      active.delete(key);
      parallel--;
      return DONE;
    },
  });
  inf.sync();
  await c.ready;
  for (let i = 0; i < 300; i++) {
    inf.add(cm(`k${i % 6}`));
    if (i % 10 === 0) await sleep(1);
  }
  await sleep(100);
  await c.stop({ drain: true });
  assert.ok(maxParallel > 1 && maxParallel <= 4, `max parallel ${maxParallel}`);
  assert.ok(count >= 6);
});

void test('requeue, requeueAfter and owner keys', async () => {
  const inf = new FakeInformer();
  const seen: Array<[string, number]> = [];
  let t0 = 0;
  const c = runController({
    name: 't-results',
    informers: [{ informer: asInformer(inf), keys: ownerKeys('Parent') }],
    rateLimiter: new ItemExponentialRateLimiter(5, 1000),
    reconcile: (key) => {
      seen.push([key, Date.now() - t0]);
      const n = seen.filter(([k]) => k === key).length;
      if (key === 'ns/p1' && n === 1) return Promise.resolve(REQUEUE);
      if (key === 'ns/p2' && n === 1) return Promise.resolve(requeueAfter(100));
      return Promise.resolve(DONE);
    },
  });
  inf.sync();
  await c.ready;
  t0 = Date.now();
  inf.add(cm('child1', 'p1'));
  inf.add(cm('child2', 'p2'));
  inf.add(cm('orphan'));
  await sleep(200);
  await c.stop();
  assert.deepEqual(seen.map(([k]) => k).sort(), ['ns/p1', 'ns/p1', 'ns/p2', 'ns/p2']);
  const p2 = seen.filter(([k]) => k === 'ns/p2').map(([, t]) => t);
  assert.ok(p2[1]! - p2[0]! >= 98, 'requeueAfter waited');
});

void test('stop aborts the reconcile signal and waits for in-flight work', async () => {
  const inf = new FakeInformer();
  let aborted = false;
  let finished = false;
  const c = runController({
    name: 't-stop',
    informers: [asInformer(inf)],
    reconcile: async (_key, ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
      aborted = true;
      await sleep(20);
      finished = true;
      return DONE;
    },
  });
  inf.sync();
  await c.ready;
  inf.add(cm('a'));
  await sleep(10);
  await c.stop();
  assert.ok(aborted && finished);
  inf.add(cm('b'));
  assert.equal(c.queue.length, 0, 'no handlers after stop');
});

void test('updates enqueue the keys of both the old and the new object', async () => {
  const inf = new FakeInformer();
  const keys: string[] = [];
  const c = runController({
    name: 't-update',
    informers: [{ informer: asInformer(inf), keys: ownerKeys('Parent') }],
    reconcile: (key) => {
      keys.push(key);
      return Promise.resolve(DONE);
    },
  });
  inf.sync();
  await c.ready;
  inf.update(cm('c', 'old-owner'), cm('c', 'new-owner'));
  await sleep(30);
  await c.stop();
  assert.deepEqual(keys.sort(), ['ns/new-owner', 'ns/old-owner']);
});

void test('a source can skip updates that change nothing it reads, and coalesce a burst into one reconcile', async () => {
  const plain = new FakeInformer();
  const bursty = new FakeInformer();
  const calls: string[] = [];
  const c = runController({
    name: 't-coalesce',
    informers: [
      { informer: asInformer(plain), changed: (o, n) => o.metadata?.labels?.['x'] !== n.metadata?.labels?.['x'] },
      { informer: asInformer(bursty), keys: () => 'ns/parent', coalesceMs: 60 },
    ],
    reconcile: (key) => {
      calls.push(key);
      return Promise.resolve(DONE);
    },
  });
  plain.sync();
  bursty.sync();
  await c.ready;
  const a = cm('a');
  plain.update(a, { metadata: { ...a.metadata, annotations: { y: '1' } } });
  await sleep(20);
  assert.deepEqual(calls, [], 'an update that changes nothing the source reads enqueues nothing');
  plain.update(a, { metadata: { ...a.metadata, labels: { x: '1' } } });
  while (calls.length < 1) await sleep(5);
  await sleep(20);
  assert.ok(calls.every((k) => k === 'ns/a'));
  calls.length = 0;
  const t0 = Date.now();
  for (let i = 0; i < 20; i++) bursty.add(cm(`p${i}`));
  while (calls.length < 1) await sleep(5);
  assert.ok(Date.now() - t0 >= 55, 'the coalesced key waited for the delay');
  await sleep(100);
  assert.deepEqual(calls, ['ns/parent'], 'twenty events, one reconcile');
  await c.stop();
});
