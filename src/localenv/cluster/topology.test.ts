import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeIp, nodePodCidr, planNodes, zoneName } from './topology.js';

void test('nodes spread evenly over zones, then over cells within a zone', () => {
  const plan = planNodes([], 7, 3, 2);
  assert.deepEqual(
    plan.map((p) => `${p.name} ${p.cell} ${p.index}`),
    [
      'zone-a-node-1 zone-a-cell-1 0',
      'zone-b-node-1 zone-b-cell-1 1',
      'zone-c-node-1 zone-c-cell-1 2',
      'zone-a-node-2 zone-a-cell-2 3',
      'zone-b-node-2 zone-b-cell-2 4',
      'zone-c-node-2 zone-c-cell-2 5',
      'zone-a-node-3 zone-a-cell-1 6',
    ],
  );
});

void test('added nodes fill the emptiest zone and continue names and indexes', () => {
  const existing = planNodes([], 4, 3, 1).map((p) => ({ name: p.name, zone: p.zone, cell: p.cell, index: p.index }));
  const more = planNodes(existing, 2, 3, 1);
  assert.deepEqual(more.map((p) => p.name), ['zone-b-node-2', 'zone-c-node-2']);
  assert.deepEqual(more.map((p) => p.index), [4, 5]);
  const fixed = planNodes(existing, 1, 3, 1, 'zone-x');
  assert.deepEqual(fixed.map((p) => `${p.name} ${p.cell}`), ['zone-x-node-1 zone-x-cell-1']);
  assert.throws(() => planNodes(existing, 1, 3, 1, 'Bad Zone'), RangeError);
});

void test('zone names, addresses and pod CIDRs', () => {
  assert.equal(zoneName(0), 'zone-a');
  assert.equal(zoneName(25), 'zone-z');
  assert.throws(() => zoneName(26), RangeError);
  assert.equal(nodeIp(0), '172.18.0.2');
  assert.equal(nodeIp(250), '172.18.1.2');
  assert.equal(nodePodCidr(1), '10.244.1.0/24');
  assert.equal(nodePodCidr(256), '10.245.0.0/24');
});
