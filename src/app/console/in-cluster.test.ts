import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wantsInCluster } from './in-cluster.js';

test('in-cluster only in a Pod (service host and token) and when no kubeconfig was given', () => {
  const pod = { KUBERNETES_SERVICE_HOST: '10.0.0.1' };
  assert.equal(wantsInCluster({}, pod, true), true);
  assert.equal(wantsInCluster({}, pod, false), false);
  assert.equal(wantsInCluster({ kubeconfig: '/k' }, pod, true), false);
  assert.equal(wantsInCluster({}, { ...pod, KUBECONFIG: '/k' }, true), false);
  assert.equal(wantsInCluster({}, {}, true), false);
});
