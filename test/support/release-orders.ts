// Fixture objects of the `plinth release` unit tests (no tests here: named *.test.ts so the build leaves it out).
// The integration test (test/release-cli.test.ts) creates objects of the same shape on a real API server.
import type { CellDeployment, ReleaseOrder, ReleaseOrderStatusT } from '../../src/api/index.js';

type Batch = NonNullable<ReleaseOrderStatusT['batches']>[number];

/** A ReleaseOrder of CellDeployment `web` in `prod`: beta (3 pods) then 2 batches of 2, the beta done, batch 2 waiting. */
export function waitingOrder(over: { spec?: Partial<ReleaseOrder['spec']>; status?: Partial<ReleaseOrderStatusT> } = {}): ReleaseOrder {
  const batches: Batch[] = [
    { index: 0, pods: ['web-a1', 'web-b1', 'web-c1'], units: ['zone-a', 'zone-b', 'zone-c'], phase: 'Succeeded', startedAt: '2026-01-01T10:00:00Z', finishedAt: '2026-01-01T10:01:30Z' },
    { index: 1, pods: ['web-a2', 'web-b2'], units: ['zone-a', 'zone-b'], phase: 'WaitingForConfirm' },
    { index: 2, pods: ['web-c2'], units: ['zone-c'], phase: 'Pending' },
  ];
  return {
    apiVersion: 'apps.plinth.dev/v1alpha1',
    kind: 'ReleaseOrder',
    metadata: { name: 'web-7c9b1a', namespace: 'prod', resourceVersion: '1234', generation: 1 },
    spec: { target: { kind: 'CellDeployment', name: 'web' }, fromRevision: '5d8f7c', toRevision: '7c9b1a', confirmedBatches: 0, paused: false, rollback: false, ...over.spec },
    status: {
      phase: 'WaitingForConfirm',
      currentBatch: 1,
      batches,
      history: [
        { at: '2026-01-01T09:59:58Z', by: 'system:plinth', action: 'Planned', message: '6 pod(s) from revision 5d8f7c to 7c9b1a in 3 batch(es), beta first, each confirmed' },
        { at: '2026-01-01T10:00:00Z', by: 'system:plinth', action: 'BatchStarted', batch: 0, message: 'batch 1 of 3 started: 3 pod(s) in zone-a, zone-b, zone-c' },
        { at: '2026-01-01T10:01:30Z', by: 'system:plinth', action: 'BatchSucceeded', batch: 0, message: 'batch 1 of 3 succeeded: 3 pod(s) on revision 7c9b1a' },
        { at: '2026-01-01T10:01:30Z', by: 'system:plinth', action: 'WaitingForConfirm', batch: 1, message: 'batch 2 of 3 waits: set spec.confirmedBatches to 1 to start it' },
      ],
      ...over.status,
    },
  };
}

/** The CellDeployment `web` in `prod` following {@link waitingOrder}. */
export function webCd(over: { paused?: boolean; releaseOrder?: string } = {}): CellDeployment {
  return {
    apiVersion: 'apps.plinth.dev/v1alpha1',
    kind: 'CellDeployment',
    metadata: { name: 'web', namespace: 'prod', generation: 2 },
    spec: {
      replicas: 6,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: {} },
      topology: { unitKey: 'topology.kubernetes.io/zone', units: ['zone-a', 'zone-b', 'zone-c'] },
      strategy: { type: 'InPlaceIfPossible', beta: true, batchSize: 2, needConfirm: true, pauseSeconds: 0, drainSeconds: 3 },
      paused: over.paused ?? false,
      revisionHistoryLimit: 10,
    },
    status: {
      observedGeneration: 2,
      replicas: 6,
      readyReplicas: 6,
      updatedReplicas: 3,
      currentRevision: '5d8f7c',
      updateRevision: '7c9b1a',
      phase: 'WaitingForConfirm',
      releaseOrder: over.releaseOrder ?? 'web-7c9b1a',
      units: [
        { name: 'zone-a', replicas: 2, readyReplicas: 2, updatedReplicas: 1 },
        { name: 'zone-b', replicas: 2, readyReplicas: 2, updatedReplicas: 1 },
        { name: 'zone-c', replicas: 2, readyReplicas: 2, updatedReplicas: 1 },
      ],
    },
  };
}
