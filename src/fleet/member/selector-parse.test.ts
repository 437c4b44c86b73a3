import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectorMatches } from '../../kube/selector.js';
import { parseLabelList, parseLabelSelector, validLabel } from './selector-parse.js';

test('selector strings parse as kubectl reads them', () => {
  assert.deepEqual(parseLabelSelector('tier=edge, region in (east, west),!legacy,arch,zone!=a'), {
    matchLabels: { tier: 'edge' },
    matchExpressions: [
      { key: 'region', operator: 'In', values: ['east', 'west'] },
      { key: 'legacy', operator: 'DoesNotExist' },
      { key: 'arch', operator: 'Exists' },
      { key: 'zone', operator: 'NotIn', values: ['a'] },
    ],
  });
  const s = parseLabelSelector('tier==edge,region notin (x)');
  assert.equal(selectorMatches(s, { tier: 'edge', region: 'y' }), true);
  assert.equal(selectorMatches(s, { tier: 'edge', region: 'x' }), false);
  assert.equal(selectorMatches(parseLabelSelector(''), {}), true);
  assert.throws(() => parseLabelSelector('a=b=c'), /invalid label selector/);
});

test('--labels lists parse and bad labels are refused', () => {
  assert.deepEqual(parseLabelList('tier=edge,region=x, fleet.plinth.dev/role=db'), { tier: 'edge', region: 'x', 'fleet.plinth.dev/role': 'db' });
  assert.deepEqual(parseLabelList(undefined), {});
  assert.throws(() => parseLabelList('tier=edge!'), /invalid --labels/);
  assert.equal(validLabel('-bad', 'x'), false);
  assert.equal(validLabel('ok', 'x'.repeat(64)), false);
  assert.equal(validLabel('Example.com/x', 'y'), false);
});
