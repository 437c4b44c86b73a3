import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Node } from '@kubernetes/client-node';
import { CORDONED_BY, cordonedBefore, cordonedBy } from './drain.js';
import { staleMarks } from './marks.js';

const node = (name: string, o: { cordoned?: boolean; mark?: string }): V1Node => ({
  metadata: { name, annotations: o.mark !== undefined ? { [CORDONED_BY]: o.mark } : {} },
  spec: o.cordoned ? { unschedulable: true } : {},
});

test('staleMarks: a schedulable node with a mark was uncordoned by someone else; a cordoned one keeps its mark', () => {
  const nodes = [node('a', { mark: 'r1' }), node('b', { cordoned: true, mark: 'r1' }), node('c', {}), node('d', { cordoned: true }), node('e', { mark: 'r2' })];
  assert.deepEqual(staleMarks(nodes), [
    { node: 'a', run: 'r1' },
    { node: 'e', run: 'r2' },
  ]);
});

test('a schedulable node with a stale mark is not taken as cordoned by the run, nor as cordoned before it', () => {
  const n = node('a', { mark: 'r1' });
  assert.equal(cordonedBy(n, 'r1'), false);
  assert.equal(cordonedBefore(n, 'r1'), false);
  assert.equal(cordonedBy(node('a', { cordoned: true, mark: 'r1' }), 'r1'), true);
  assert.equal(cordonedBefore(node('a', { cordoned: true, mark: 'r2' }), 'r1'), true);
});
