import { test } from 'node:test';
import assert from 'node:assert/strict';
import { age, ago } from './age.js';

test('ages read like kubectl AGE', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  const at = (s: number): string => new Date(now.getTime() - s * 1000).toISOString();
  assert.deepEqual(
    [0, 45, 119, 120, 200, 600, 3599, 3 * 3600, 3 * 3600 + 300, 10 * 3600, 2 * 86400, 2 * 86400 + 7200, 9 * 86400].map((s) => age(at(s), now)),
    ['0s', '45s', '119s', '2m', '3m20s', '10m', '59m', '3h', '3h5m', '10h', '2d', '2d2h', '9d'],
  );
  assert.equal(age(at(-30), now), '0s');
  assert.equal(age(undefined, now), undefined);
  assert.equal(age('yesterday', now), undefined);
  assert.equal(ago(at(45), now), '45s ago');
});
