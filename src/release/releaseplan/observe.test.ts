import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Deployment } from '@kubernetes/client-node';
import type { CellDeployment, ReleaseOrder } from '../../api/index.js';
import { cellDeploymentObs, deploymentObs } from './observe.js';

function dep(status: V1Deployment['status'], generation = 2, paused = false): V1Deployment {
  return {
    metadata: { name: 'db-proxy', generation },
    spec: { replicas: 2, paused, selector: {}, template: { spec: { containers: [{ name: 'proxy', image: 'db:2' }] } } },
    status,
  };
}

test('a Deployment: complete only on its current generation with every replica updated and available', () => {
  assert.equal(deploymentObs(dep({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 })).state, 'Completed');
  assert.equal(deploymentObs(dep({ observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 })).state, 'Progressing', 'the new template not seen yet');
  assert.equal(deploymentObs(dep({ observedGeneration: 2, replicas: 3, updatedReplicas: 2, availableReplicas: 2 })).state, 'Progressing', 'an old pod is left');
  const o = deploymentObs(dep({ observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 }, 2, true));
  assert.deepEqual([o.images, o.paused], [{ proxy: 'db:2' }, true]);
});

test('a Deployment past its progressDeadlineSeconds has failed, saying so', () => {
  const o = deploymentObs(dep({
    observedGeneration: 2,
    replicas: 3,
    updatedReplicas: 1,
    availableReplicas: 2,
    conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "db-proxy-7d" has timed out progressing.' }],
  }));
  assert.equal(o.state, 'Failed');
  assert.equal(o.message, 'Deployment db-proxy is past its progressDeadlineSeconds: ReplicaSet "db-proxy-7d" has timed out progressing.');
});

function cd(status: CellDeployment['status'], generation = 3): CellDeployment {
  return {
    apiVersion: 'apps.plinth.dev/v1alpha1',
    kind: 'CellDeployment',
    metadata: { name: 'order', generation },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'order' } },
      template: { metadata: { labels: { app: 'order' } }, spec: { containers: [{ name: 'app', image: 'order:2' }] } },
      topology: { unitKey: 'zone', units: ['a'] },
      strategy: { type: 'InPlaceIfPossible', beta: true, batchSize: 1, needConfirm: false, pauseSeconds: 0, drainSeconds: 3 },
      paused: false,
      revisionHistoryLimit: 10,
    },
    status,
  };
}

function ro(to: string, status: ReleaseOrder['status'], paused = false): ReleaseOrder {
  return {
    apiVersion: 'apps.plinth.dev/v1alpha1',
    kind: 'ReleaseOrder',
    metadata: { name: `order-${to}` },
    spec: { target: { kind: 'CellDeployment', name: 'order' }, fromRevision: 'r1', toRevision: to, confirmedBatches: 0, paused, rollback: false },
    status,
  };
}

test('a CellDeployment follows the order of its current template only', () => {
  const stale = cellDeploymentObs(cd({ observedGeneration: 3, updateRevision: 'r2', phase: 'Progressing', releaseOrder: 'order-r1' }), ro('r1', { phase: 'Completed' }));
  assert.equal(stale.order, undefined);
  assert.equal(stale.state, 'Progressing');
  const beta = cellDeploymentObs(
    cd({ observedGeneration: 3, updateRevision: 'r2', phase: 'WaitingForConfirm', releaseOrder: 'order-r2' }),
    ro('r2', { phase: 'WaitingForConfirm', batches: [{ index: 0, pods: ['p'], phase: 'Succeeded' }, { index: 1, pods: ['q'], phase: 'WaitingForConfirm' }] }, true),
  );
  assert.deepEqual(beta.order, { name: 'order-r2', phase: 'WaitingForConfirm', batches: 2, confirmedBatches: 0, paused: true, firstBatchDone: true });
  assert.equal(beta.paused, true);
  assert.deepEqual(beta.strategy, { beta: true, needConfirm: false });
});

test('a CellDeployment: Stalled or Failed orders fail the app; Completed needs the current generation', () => {
  const stalled = cellDeploymentObs(
    cd({ observedGeneration: 3, updateRevision: 'r2', phase: 'Progressing', releaseOrder: 'order-r2' }),
    ro('r2', { phase: 'Progressing', conditions: [{ type: 'Stalled', status: 'True', reason: 'PodsNotReady', message: 'no progress for 4s', lastTransitionTime: '2026-12-07T10:00:00Z' }] }),
  );
  assert.deepEqual([stalled.state, stalled.message], ['Failed', 'ReleaseOrder order-r2 is Stalled: no progress for 4s']);
  const failed = cellDeploymentObs(cd({ observedGeneration: 3, updateRevision: 'r2', phase: 'Failed', releaseOrder: 'order-r2' }), ro('r2', { phase: 'Failed', history: [{ at: '2026-12-07T10:00:00Z', by: 'system:plinth', action: 'Failed', message: 'bad image' }] }));
  assert.deepEqual([failed.state, failed.message], ['Failed', 'ReleaseOrder order-r2 is Failed: bad image']);
  assert.equal(cellDeploymentObs(cd({ observedGeneration: 3, updateRevision: 'r2', phase: 'Completed', releaseOrder: 'order-r2' }), ro('r2', { phase: 'Completed' })).state, 'Completed');
  assert.equal(cellDeploymentObs(cd({ observedGeneration: 2, updateRevision: 'r2', phase: 'Completed', releaseOrder: 'order-r2' }), ro('r2', { phase: 'Completed' })).state, 'Progressing');
});
