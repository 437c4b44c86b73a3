import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1ContainerState, V1Pod } from '@kubernetes/client-node';
import { PULL_COMMAND, PULL_POD_LABEL, pullOutcome, pullPod, pullPodName } from './pull-pod.js';

const owner = { name: 'warm', namespace: 'ns', uid: 'u-1', apiVersion: 'apps.plinth.dev/v1alpha1', kind: 'ImagePrewarm' };

test('pullPod: pinned, never restarted, IfNotPresent, no shell, tiny, tolerates every taint, owned', () => {
  const p = pullPod({ prewarm: owner, node: 'node-1', image: 'registry.local/web:2', pullSecrets: ['regcred'] });
  assert.equal(p.spec?.nodeName, 'node-1');
  assert.equal(p.spec?.restartPolicy, 'Never');
  const init = p.spec?.initContainers?.[0];
  assert.equal(init?.image, 'registry.local/web:2');
  assert.equal(init?.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(init?.command, PULL_COMMAND);
  assert.equal(init?.args, undefined);
  assert.equal(p.spec?.containers[0]?.image, 'registry.local/web:2', 'the app container needs no second image');
  assert.deepEqual(p.spec?.tolerations, [{ operator: 'Exists' }]);
  assert.deepEqual(p.spec?.imagePullSecrets, [{ name: 'regcred' }]);
  assert.equal(init?.resources?.requests?.cpu, '1m');
  assert.equal(p.metadata?.labels?.[PULL_POD_LABEL], 'u-1');
  assert.deepEqual(p.metadata?.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]), [['ImagePrewarm', 'warm', 'u-1', true]]);
  assert.equal(p.metadata?.name, pullPodName('warm', 'node-1', 'registry.local/web:2'));
});

test('pullPodName: deterministic, distinct per node and image, a valid name for long owners', () => {
  assert.equal(pullPodName('a', 'n1', 'x:1'), pullPodName('a', 'n1', 'x:1'));
  assert.notEqual(pullPodName('a', 'n1', 'x:1'), pullPodName('a', 'n2', 'x:1'));
  assert.notEqual(pullPodName('a', 'n1', 'x:1'), pullPodName('a', 'n1', 'x:2'));
  const long = pullPodName(`${'a'.repeat(39)}-b`, 'n', 'i');
  assert.match(long, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  assert.ok(long.length <= 63);
});

const withInit = (state: V1ContainerState, phase = 'Pending'): V1Pod => ({
  status: { phase, initContainerStatuses: [{ name: 'pull', image: 'x', imageID: '', ready: false, restartCount: 0, state }] },
});

test('pullOutcome: pull errors fail, with the kubelet message', () => {
  assert.deepEqual(pullOutcome(withInit({ waiting: { reason: 'ErrImagePull', message: 'not found' } })), { state: 'failed', reason: 'ErrImagePull: not found' });
  assert.deepEqual(pullOutcome(withInit({ waiting: { reason: 'ImagePullBackOff' } })), { state: 'failed', reason: 'ImagePullBackOff' });
});

test('pullOutcome: a container that ran or failed after the pull counts as pulled', () => {
  assert.deepEqual(pullOutcome(withInit({ terminated: { exitCode: 128, reason: 'StartError' } }, 'Failed')), { state: 'pulled' });
  assert.deepEqual(pullOutcome(withInit({ terminated: { exitCode: 0 } }, 'Running')), { state: 'pulled' });
  assert.deepEqual(pullOutcome(withInit({ running: {} }, 'Pending')), { state: 'pulled' });
  assert.deepEqual(pullOutcome(withInit({ waiting: { reason: 'CreateContainerError', message: 'executable file not found' } })), { state: 'pulled' });
});

test('pullOutcome: still pulling, or a pod lost before its container ran', () => {
  assert.deepEqual(pullOutcome({ status: { phase: 'Pending' } }), { state: 'running' });
  assert.deepEqual(pullOutcome(withInit({ waiting: { reason: 'PodInitializing' } })), { state: 'running' });
  assert.deepEqual(pullOutcome({ status: { phase: 'Failed', reason: 'Evicted', message: 'node low on disk' } }), { state: 'failed', reason: 'Evicted: node low on disk' });
});
