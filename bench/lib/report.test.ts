import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ratio, renderFigures, type Figure } from './report.js';

test('ratios above 1 mean Plinth is better for both directions', () => {
  const lower: Figure = { metric: 'sync', unit: 'ms', better: 'lower', plinth: 500, peers: { x: 1500 } };
  const higher: Figure = { metric: 'events', unit: '/s', better: 'higher', plinth: 3000, peers: { x: 1000 } };
  assert.equal(ratio(lower, 1500), 3);
  assert.equal(ratio(higher, 1000), 3);
  assert.equal(ratio(lower, undefined), undefined);
});

test('targets are checked and reported', () => {
  const { text, targetsMet } = renderFigures('t', [
    { metric: 'sync', unit: 'ms', better: 'lower', plinth: 4000, peers: { x: 1000 }, target: '≤ 3000', check: (p) => p <= 3000 },
  ]);
  assert.equal(targetsMet, false);
  assert.match(text, /NO/);
  assert.match(text, /0\.25x/);
});
