import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessCache } from './access.js';

test('answers are cached per user, groups, verb and resource for the TTL; failures are not cached', async () => {
  const asked: unknown[] = [];
  let fail = false;
  let t = 0;
  const client = {
    create: <T>(_r: unknown, body: unknown): Promise<T> => {
      asked.push(body);
      if (fail) return Promise.reject(new Error('down'));
      const spec = (body as { spec: { user: string } }).spec;
      return Promise.resolve({ status: { allowed: spec.user === 'alice' } } as T);
    },
  };
  const cache = new AccessCache(client, 1000, () => t);
  const q = { verb: 'list', group: 'apps.plinth.dev', resource: 'releaseorders', namespace: 'ns' };
  assert.equal(await cache.allowed({ user: 'alice', groups: ['a', 'b'] }, q), true);
  assert.equal(await cache.allowed({ user: 'alice', groups: ['b', 'a'] }, q), true);
  assert.equal(await cache.allowed({ user: 'bob', groups: [] }, q), false);
  assert.equal(asked.length, 2);
  t = 1000;
  assert.equal(await cache.allowed({ user: 'alice', groups: ['a', 'b'] }, q), true);
  assert.equal(asked.length, 3, 'asked again after the TTL');
  fail = true;
  assert.equal(await cache.allowed({ user: 'carol', groups: [] }, q), false);
  fail = false;
  assert.equal(await cache.allowed({ user: 'carol', groups: [] }, q), false);
  assert.equal(asked.length, 5, 'a failed review is asked again');
});
