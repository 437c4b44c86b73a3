import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectorsMayOverlap } from './overlap.js';

test('selectors overlap unless one key contradicts', () => {
  assert.equal(selectorsMayOverlap({ matchLabels: { app: 'a' } }, { matchLabels: { tier: 'web' } }), true);
  assert.equal(selectorsMayOverlap({ matchLabels: { app: 'a' } }, { matchLabels: { app: 'b' } }), false);
  assert.equal(selectorsMayOverlap({}, { matchLabels: { app: 'b' } }), true, 'an empty selector matches every pod');
  assert.equal(selectorsMayOverlap({ matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] }, { matchLabels: { app: 'b' } }), true);
  assert.equal(selectorsMayOverlap({ matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'c'] }] }, { matchLabels: { app: 'b' } }), false);
  assert.equal(selectorsMayOverlap({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['b'] }] }, { matchLabels: { app: 'b' } }), false);
  assert.equal(selectorsMayOverlap({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, { matchLabels: { app: 'b' } }), false);
  assert.equal(selectorsMayOverlap({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['x'] }] }), true);
  assert.equal(selectorsMayOverlap({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }), false);
  assert.equal(selectorsMayOverlap(undefined, undefined), true);
});
