import { test } from 'node:test';
import assert from 'node:assert/strict';
import { objectHealth, worstHealth } from './health.js';

const dep = (status: Record<string, unknown>, generation = 2): Parameters<typeof objectHealth>[0] => ({ kind: 'Deployment', metadata: { generation }, spec: { replicas: 2 }, status });

test('a Deployment is healthy once the current generation is rolled out and available', () => {
  assert.equal(objectHealth(dep({ observedGeneration: 1, updatedReplicas: 2, replicas: 2, availableReplicas: 2 })).health, 'Progressing');
  assert.equal(objectHealth(dep({ observedGeneration: 2, updatedReplicas: 1, replicas: 3, availableReplicas: 2 })).health, 'Progressing');
  assert.equal(objectHealth(dep({ observedGeneration: 2, updatedReplicas: 2, replicas: 3, availableReplicas: 2 })).message, '1 old replicas pending termination');
  assert.equal(objectHealth(dep({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 })).message, '1 of 2 replicas available');
  assert.equal(objectHealth(dep({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 })).health, 'Healthy');
  const stuck = dep({ observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "a" has timed out progressing.' }] });
  assert.deepEqual(objectHealth(stuck), { health: 'Degraded', message: 'ReplicaSet "a" has timed out progressing.' });
});

test('StatefulSet, DaemonSet and CellDeployment rollouts; other kinds are healthy once applied', () => {
  assert.equal(objectHealth({ kind: 'StatefulSet', metadata: { generation: 1 }, spec: { replicas: 1 }, status: { observedGeneration: 1, readyReplicas: 1, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' } }).health, 'Progressing');
  assert.equal(objectHealth({ kind: 'StatefulSet', metadata: { generation: 1 }, spec: { replicas: 1 }, status: { observedGeneration: 1, readyReplicas: 1, updatedReplicas: 1, currentRevision: 'b', updateRevision: 'b' } }).health, 'Healthy');
  assert.equal(objectHealth({ kind: 'DaemonSet', metadata: { generation: 1 }, status: { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 } }).health, 'Progressing');
  assert.equal(objectHealth({ kind: 'DaemonSet', metadata: { generation: 1 }, status: { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 } }).health, 'Healthy');
  assert.equal(objectHealth({ kind: 'CellDeployment', metadata: { generation: 1 }, spec: { replicas: 2 }, status: { phase: 'Failed' } }).health, 'Degraded');
  assert.equal(objectHealth({ kind: 'CellDeployment', metadata: { generation: 1 }, spec: { replicas: 2 }, status: { observedGeneration: 1, updatedReplicas: 2, readyReplicas: 2 } }).health, 'Healthy');
  assert.equal(objectHealth({ kind: 'ConfigMap' }).health, 'Healthy');
  assert.equal(worstHealth(['Healthy', 'Progressing']), 'Progressing');
  assert.equal(worstHealth(['Progressing', 'Degraded']), 'Degraded');
  assert.equal(worstHealth([]), 'Healthy');
});
