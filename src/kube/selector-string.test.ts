import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectorString } from './selector-string.js';

test('selectorString writes the form the API server parses', () => {
  assert.equal(selectorString(undefined), '');
  assert.equal(selectorString({ matchLabels: { tier: 'web', app: 'shop' } }), 'app=shop,tier=web');
  assert.equal(
    selectorString({
      matchLabels: { app: 'shop' },
      matchExpressions: [
        { key: 'zone', operator: 'In', values: ['b', 'a'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'team', operator: 'Exists' },
      ],
    }),
    'app=shop,zone in (a,b),env notin (dev),!canary,team',
  );
});
