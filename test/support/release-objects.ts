// Builders of pods, orders and CellDeployments for the release controllers' unit tests (not used at run time).
import type { V1Pod } from '@kubernetes/client-node';
import type { CellDeployment, ReleaseOrder, ReleaseOrderStatusT } from '../../src/api/index.js';
import { KEYS, RELEASE_API_VERSION } from '../../src/release/keys.js';

export interface FakePod {
  name: string;
  unit?: string;
  revision?: string;
  ready?: boolean;
  /** ISO lastTransitionTime of the Ready condition. */
  readySince?: string;
  gate?: 'True' | 'False';
  /** ISO time of the drain annotation. */
  drainStarted?: string;
  /** ISO time of the ready-since annotation (written with the drain). */
  readySinceAnnotation?: string;
  deleting?: boolean;
  image?: string;
  /** Container status image (default: the spec image). */
  runningImage?: string;
  containerReady?: boolean;
  uid?: string;
  /** status.phase (default Running). */
  phase?: string;
}

export function fakePod(p: FakePod): V1Pod {
  const image = p.image ?? 'web:1';
  const conditions: Array<{ type: string; status: string; lastTransitionTime?: Date }> = [
    { type: 'Ready', status: p.ready === false ? 'False' : 'True', ...(p.readySince ? { lastTransitionTime: new Date(p.readySince) } : {}) },
  ];
  if (p.gate) conditions.push({ type: KEYS.gate, status: p.gate });
  return {
    metadata: {
      name: p.name,
      namespace: 'ns',
      uid: p.uid ?? `uid-${p.name}`,
      labels: { [KEYS.unit]: p.unit ?? 'a', [KEYS.revision]: p.revision ?? 'r1' },
      ...(p.drainStarted || p.readySinceAnnotation
        ? {
            annotations: {
              ...(p.drainStarted ? { [KEYS.drainStarted]: p.drainStarted } : {}),
              ...(p.readySinceAnnotation ? { [KEYS.readySince]: p.readySinceAnnotation } : {}),
            },
          }
        : {}),
      ...(p.deleting ? { deletionTimestamp: new Date('2024-01-01T00:00:00Z') } : {}),
      finalizers: [KEYS.finalizer],
    },
    spec: { containers: [{ name: 'web', image }] },
    status: {
      phase: p.phase ?? 'Running',
      conditions,
      containerStatuses: [
        { name: 'web', image: p.runningImage ?? image, imageID: '', ready: p.containerReady ?? true, restartCount: 0, state: { running: {} } },
      ],
    },
  };
}

export function fakeCd(spec: Partial<CellDeployment['spec']> = {}, name = 'web'): CellDeployment {
  return {
    apiVersion: RELEASE_API_VERSION,
    kind: 'CellDeployment',
    metadata: { name, namespace: 'ns', uid: 'cd-uid', generation: 1 },
    spec: {
      replicas: 6,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } },
      topology: { unitKey: 'zone', units: ['a', 'b', 'c'] },
      strategy: { type: 'InPlaceIfPossible', beta: false, batchSize: 1, needConfirm: false, pauseSeconds: 0, drainSeconds: 3 },
      paused: false,
      revisionHistoryLimit: 10,
      ...spec,
    },
  };
}

export function fakeOrder(o: { name?: string; sequence?: number; from?: string; to?: string; spec?: Partial<ReleaseOrder['spec']>; status?: ReleaseOrderStatusT }): ReleaseOrder {
  return {
    apiVersion: RELEASE_API_VERSION,
    kind: 'ReleaseOrder',
    metadata: {
      name: o.name ?? 'web-r2',
      namespace: 'ns',
      generation: 1,
      annotations: { [KEYS.sequence]: String(o.sequence ?? 1) },
      ownerReferences: [{ apiVersion: RELEASE_API_VERSION, kind: 'CellDeployment', name: 'web', uid: 'cd-uid', controller: true }],
    },
    spec: {
      target: { kind: 'CellDeployment', name: 'web' },
      fromRevision: o.from ?? 'r1',
      toRevision: o.to ?? 'r2',
      confirmedBatches: 0,
      paused: false,
      rollback: false,
      ...(o.spec ?? {}),
    },
    ...(o.status ? { status: o.status } : {}),
  };
}
