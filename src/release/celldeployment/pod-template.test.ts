import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeCd } from '../../../test/support/release-objects.js';
import { KEYS } from '../keys.js';
import { buildPod, newPodName } from './pod-template.js';

test('a pod: template plus labels, owner, finalizer, gate, unit affinity and hostname spread', () => {
  const cd = fakeCd();
  const pod = buildPod(cd, { name: 'web-x', unit: 'b', revision: 'r1', template: { metadata: { labels: { app: 'web' }, annotations: { note: 'x' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } });
  assert.deepEqual(pod.metadata!.labels, { app: 'web', [KEYS.cellDeployment]: 'web', [KEYS.unit]: 'b', [KEYS.revision]: 'r1' });
  assert.deepEqual(pod.metadata!.annotations, { note: 'x' });
  assert.deepEqual(pod.metadata!.finalizers, [KEYS.finalizer]);
  assert.deepEqual(pod.metadata!.ownerReferences, [{ apiVersion: 'apps.plinth.dev/v1alpha1', kind: 'CellDeployment', name: 'web', uid: 'cd-uid', controller: true, blockOwnerDeletion: true }]);
  assert.deepEqual(pod.spec!.readinessGates, [{ conditionType: KEYS.gate }]);
  assert.deepEqual(pod.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms, [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }]);
  assert.equal(pod.spec!.topologySpreadConstraints!.length, 1);
  assert.equal(pod.spec!.topologySpreadConstraints![0]!.topologyKey, 'kubernetes.io/hostname');
});

test('the unit is added to every node selector term of the template (terms are ORed)', () => {
  const template = {
    spec: {
      containers: [{ name: 'web', image: 'web:1' }],
      readinessGates: [{ conditionType: KEYS.gate }, { conditionType: 'other' }],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }],
          },
        },
        podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] },
      },
    },
  };
  const pod = buildPod(fakeCd(), { name: 'p', unit: 'a', revision: 'r', template });
  const terms = pod.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms;
  assert.deepEqual(terms[0]!.matchExpressions, [{ key: 'disk', operator: 'In', values: ['ssd'] }, { key: 'zone', operator: 'In', values: ['a'] }]);
  assert.deepEqual(terms[1]!.matchExpressions, [{ key: 'zone', operator: 'In', values: ['a'] }]);
  assert.deepEqual(terms[1]!.matchFields, [{ key: 'metadata.name', operator: 'In', values: ['n1'] }]);
  assert.ok(pod.spec!.affinity!.podAntiAffinity, 'other affinity kept');
  assert.deepEqual(pod.spec!.readinessGates, [{ conditionType: 'other' }, { conditionType: KEYS.gate }], 'the gate once');
  assert.equal(template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]!.matchExpressions!.length, 1, 'the template is not changed');
});

test('pod names', () => {
  assert.match(newPodName('web'), /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.ok(newPodName('x'.repeat(100)).length <= 63);
});
