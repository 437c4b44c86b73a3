import { test } from 'node:test';
import assert from 'node:assert/strict';
import { removedApi } from './apis.js';
import { replacementAt } from './replacement.js';

const at = (apiVersion: string, kind: string, target: number): string | undefined => replacementAt(removedApi(apiVersion, kind)!, target)?.apiVersion;

test('the replacement a target serves: the final one, an interim beta before it, or none', () => {
  const fs = 'flowcontrol.apiserver.k8s.io';
  assert.equal(at(`${fs}/v1beta1`, 'FlowSchema', 29), `${fs}/v1`);
  assert.equal(at(`${fs}/v1beta1`, 'FlowSchema', 26), `${fs}/v1beta3`);
  assert.equal(at(`${fs}/v1beta1`, 'FlowSchema', 24), `${fs}/v1beta2`);
  assert.equal(at(`${fs}/v1alpha1`, 'PriorityLevelConfiguration', 21), `${fs}/v1beta1`);
  assert.equal(at('autoscaling/v2beta1', 'HorizontalPodAutoscaler', 22), 'autoscaling/v2beta2');
  assert.equal(at('extensions/v1beta1', 'PodSecurityPolicy', 24), 'policy/v1beta1');
  assert.equal(at('extensions/v1beta1', 'PodSecurityPolicy', 25), undefined, 'policy/v1beta1 is gone too');
  assert.equal(at('coordination.k8s.io/v1alpha1', 'LeaseCandidate', 31), undefined, 'v1alpha2 comes only in 1.32');
  assert.equal(at('policy/v1beta1', 'PodSecurityPolicy', 25), undefined);
});
