import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KWOK_NODE_ANNOTATION, KWOK_NODE_VALUE } from './annotations.js';
import { kwokKubelet } from './kubelet.js';

test('kwokKubelet: only the nodes kwok manages are simulated', () => {
  assert.equal(kwokKubelet.refuses({ metadata: { name: 'n1', annotations: { [KWOK_NODE_ANNOTATION]: KWOK_NODE_VALUE } } }), undefined);
  assert.match(kwokKubelet.refuses({ metadata: { name: 'n1' } }) ?? '', /not a simulated node \(no kwok\.x-k8s\.io\/node=fake annotation\)/);
  assert.match(kwokKubelet.refuses({ metadata: { name: 'n1', annotations: { [KWOK_NODE_ANNOTATION]: 'other' } } }) ?? '', /not a simulated node/);
});
