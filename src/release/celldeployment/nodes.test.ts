import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Node, V1Taint } from '@kubernetes/client-node';
import { schedulable, unitsWithoutSchedulableNodes } from './nodes.js';

function node(zone: string, o: { ready?: boolean; cordoned?: boolean; taints?: V1Taint[] } = {}): V1Node {
  return {
    metadata: { name: `${zone}-n`, labels: { zone } },
    spec: { unschedulable: o.cordoned ?? false, taints: o.taints ?? [] },
    status: { conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

test('cordoned, NotReady and untolerated NoSchedule/NoExecute nodes take no new pods', () => {
  assert.ok(schedulable(node('a'), []));
  assert.ok(!schedulable(node('a', { cordoned: true }), []));
  assert.ok(!schedulable(node('a', { ready: false }), []));
  const tainted = node('a', { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] });
  assert.ok(!schedulable(tainted, []));
  assert.ok(schedulable(tainted, [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }]));
  assert.ok(!schedulable(tainted, [{ key: 'dedicated', operator: 'Equal', value: 'web' }]));
  assert.ok(schedulable(tainted, [{ operator: 'Exists' }]));
  assert.ok(schedulable(node('a', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] }), []));
});

test('units without a schedulable node, in unit order', () => {
  const nodes = [node('a'), node('b', { cordoned: true })];
  assert.deepEqual(unitsWithoutSchedulableNodes(['c', 'b', 'a'], 'zone', nodes, []), ['c', 'b']);
});
