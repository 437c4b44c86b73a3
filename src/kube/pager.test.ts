import { test } from 'node:test';
import assert from 'node:assert/strict';
import { continueFromPrefix } from './pager.js';

void test('reads the continue token from the first bytes of a list', () => {
  const page = '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"12","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":9500},"items":[{"metadata":{"name":"a"';
  assert.equal(continueFromPrefix(page), 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ');
  assert.equal(continueFromPrefix(Buffer.from(page)), 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ');
});

void test('last page: metadata without a token', () => {
  assert.equal(continueFromPrefix('{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"99"},"items":[]}'), '');
});

void test('unknown when the prefix does not show the list metadata', () => {
  assert.equal(continueFromPrefix('{"kind":"PodList","apiVersion":"v1","metad'), null);
  assert.equal(continueFromPrefix('{"items":[],"metadata":{"continue":"x"}}'), null);
  assert.equal(continueFromPrefix('not json'), null);
});
