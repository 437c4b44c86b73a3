import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import type { CellDeployment, ReleaseOrder } from '../../api/index.js';
import { KEYS } from '../../release/keys.js';
import { podState, podViews, releaseSummary } from './release-views.js';

function pod(name: string, rev: string, o: { ready?: boolean; draining?: boolean; crash?: boolean; unit?: string } = {}): V1Pod {
  return {
    metadata: {
      name,
      labels: { [KEYS.revision]: rev, [KEYS.unit]: o.unit ?? 'zone-a' },
      annotations: o.draining ? { [KEYS.drainStarted]: '2026-01-01T00:00:00.000Z' } : {},
    },
    spec: { nodeName: 'n1', containers: [] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
      containerStatuses: o.crash ? [{ name: 'web', image: 'x', imageID: '', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] : [],
    },
  };
}

const view = {
  phase: 'WaitingForConfirm',
  fromRevision: 'old',
  toRevision: 'new',
  batches: [
    { index: 0, number: 1, phase: 'Succeeded', units: ['zone-a'], pods: ['a', 'b'], startedAt: null, finishedAt: null },
    { index: 1, number: 2, phase: 'Running', units: ['zone-b'], pods: ['c', 'd'], startedAt: null, finishedAt: null },
    { index: 2, number: 3, phase: 'Pending', units: ['zone-c'], pods: ['e'], startedAt: null, finishedAt: null },
  ],
};

test('pod states: ready, updating, draining, waiting, failed; a rollback targets fromRevision', () => {
  assert.equal(podState(pod('a', 'new'), view, 0), 'ready');
  assert.equal(podState(pod('c', 'new', { ready: false }), view, 1), 'updating');
  assert.equal(podState(pod('d', 'old'), view, 1), 'updating');
  assert.equal(podState(pod('d', 'old', { ready: false, draining: true }), view, 1), 'draining');
  assert.equal(podState(pod('e', 'old'), view, 2), 'waiting');
  assert.equal(podState(pod('e', 'old', { crash: true }), view, 2), 'failed');
  assert.equal(podState(pod('x', 'old'), view, null), 'ready', 'a pod the release does not change');
  assert.equal(podState(pod('a', 'new'), { ...view, phase: 'RollingBack' }, 0), 'updating', 'started batch, not yet back on old');
  assert.equal(podState(pod('e', 'old'), { ...view, phase: 'RollingBack' }, 2), 'ready');
});

test('podViews sorts by batch then name and names each pod\'s batch and unit', () => {
  const v = podViews([pod('e', 'old', { unit: 'zone-c' }), pod('x', 'old'), pod('b', 'new'), pod('a', 'new')], view);
  assert.deepEqual(v.map((p) => [p.name, p.batch, p.unit, p.state]), [
    ['a', 0, 'zone-a', 'ready'],
    ['b', 0, 'zone-a', 'ready'],
    ['e', 2, 'zone-c', 'waiting'],
    ['x', null, 'zone-a', 'ready'],
  ]);
});

test('releaseSummary: the CellDeployment with its current order, or null without one', () => {
  const cd = { apiVersion: 'x', kind: 'CellDeployment', metadata: { name: 'web', namespace: 'ns' }, spec: {}, status: { phase: 'WaitingForConfirm', replicas: 6, readyReplicas: 6, updatedReplicas: 2 } } as unknown as CellDeployment;
  const order = {
    metadata: { name: 'web-1' },
    spec: { target: { name: 'web' }, fromRevision: 'old', toRevision: 'new', confirmedBatches: 0, paused: false, rollback: false },
    status: { phase: 'WaitingForConfirm', currentBatch: 1, batches: view.batches },
  } as unknown as ReleaseOrder;
  const s = releaseSummary(cd, order);
  assert.deepEqual(s.release?.currentBatch, { index: 1, number: 2 });
  assert.equal(s.release?.batchCount, 3);
  assert.equal(s.phase, 'WaitingForConfirm');
  assert.equal(releaseSummary(cd, undefined).release, null);
});
