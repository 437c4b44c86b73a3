import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Expectations } from './expectations.js';
import { expectWrite, versionAtLeast } from './expect-write.js';

test('resourceVersion comparison: numeric when both are integers, else equality', () => {
  assert.ok(versionAtLeast('10', '9'));
  assert.ok(versionAtLeast('123456789012345678901', '123456789012345678900'));
  assert.ok(!versionAtLeast('9', '10'));
  assert.ok(versionAtLeast('abc', 'abc'));
  assert.ok(!versionAtLeast('abc', 'abd'));
  assert.ok(!versionAtLeast(undefined, '1'));
});

test('a write the cache already shows (its watch event came first) is not expected', () => {
  const exp = new Expectations();
  const written = { metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '5' } };
  expectWrite(exp, 'ns/cd', written, { get: () => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '6' } }) });
  assert.ok(exp.satisfied('ns/cd'));
  expectWrite(exp, 'ns/cd', written, { get: () => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '4' } }) });
  assert.ok(!exp.satisfied('ns/cd'));
  exp.observe({ metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '5' } });
  assert.ok(exp.satisfied('ns/cd'));
  expectWrite(exp, 'ns/cd', written, { get: () => ({ metadata: { name: 'p', namespace: 'ns', uid: 'other', resourceVersion: '9' } }) });
  assert.ok(!exp.satisfied('ns/cd'), 'a successor with the same name does not count');
});
