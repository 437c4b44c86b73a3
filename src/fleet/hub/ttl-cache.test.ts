import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TtlCache, cachedLookup } from './ttl-cache.js';

test('entries expire after the TTL and the oldest goes first when full', () => {
  let now = 1000;
  const c = new TtlCache<string, number>(10_000, 2, () => now);
  c.set('a', 1);
  now += 5_000;
  c.set('b', 2);
  assert.equal(c.get('a'), 1);
  now += 5_000;
  assert.equal(c.get('a'), undefined, 'a expired at 10 s');
  assert.equal(c.get('b'), 2);
  c.set('c', 3);
  c.set('d', 4);
  assert.equal(c.size, 2);
  assert.equal(c.get('b'), undefined, 'evicted as the oldest');
  assert.equal(c.get('d'), 4);
});

test('cachedLookup shares one call in flight and forgets failures', async () => {
  let now = 0;
  const c = new TtlCache<string, Promise<string>>(10_000, 10, () => now);
  let calls = 0;
  const ok = (): Promise<string> => {
    calls++;
    return Promise.resolve(`v${calls}`);
  };
  const [a, b] = await Promise.all([cachedLookup(c, 'k', ok), cachedLookup(c, 'k', ok)]);
  assert.deepEqual([a, b, calls], ['v1', 'v1', 1]);
  now += 10_001;
  assert.equal(await cachedLookup(c, 'k', ok), 'v2', 'asked again after the TTL');

  const fail = (): Promise<string> => {
    calls++;
    return Promise.reject(new Error('API server unreachable'));
  };
  await assert.rejects(cachedLookup(c, 'x', fail), /unreachable/);
  await Promise.resolve();
  assert.equal(c.get('x'), undefined, 'a failure is not cached');
  const next = `v${calls + 1}`;
  assert.equal(await cachedLookup(c, 'x', ok), next, 'asked again after the failure');
});
