import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectorMatches } from './selector.js';

test('matchLabels and matchExpressions', () => {
  const l = { app: 'web', 'plinth.dev/system': 'pay' };
  assert.equal(selectorMatches({}, l), true);
  assert.equal(selectorMatches({ matchLabels: { app: 'web' } }, l), true);
  assert.equal(selectorMatches({ matchLabels: { app: 'db' } }, l), false);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'plinth.dev/system', operator: 'In', values: ['pay'] }] }, l), true);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'plinth.dev/system', operator: 'NotIn', values: ['pay'] }] }, l), false);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, l), false);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, l), true);
  assert.equal(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Bogus' }] }, l), false);
  assert.equal(selectorMatches({ matchLabels: { app: 'web' } }, undefined), false);
});
