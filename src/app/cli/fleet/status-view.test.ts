import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FleetDelivery } from '../../../api/index.js';
import { renderDeliveryStatus, statusLine } from './status-view.js';
import { renderDeliveries, currentWave } from './delivery-view.js';
import { watchEnd } from './delivery.js';

const fd: FleetDelivery = {
  apiVersion: 'fleet.plinth.dev/v1alpha1',
  kind: 'FleetDelivery',
  metadata: { name: 'web', namespace: 'apps' },
  spec: { sourceRef: { name: 'repo' }, path: 'web', placement: { clusterSelector: {} }, prune: true, drift: 'Correct', suspend: false, paused: false, confirmedWaves: [] },
  status: {
    phase: 'WaitingForConfirm',
    revision: '0123456789abcdef',
    sequence: 4,
    waves: [{ name: 'canary', phase: 'Succeeded', clusters: 1 }, { name: 'provinces', phase: 'WaitingForConfirm', clusters: 3 }],
    clusters: { placed: 4, applied: 1, healthy: 1, failed: 0, disconnected: 1 },
    failing: [],
    conditions: [{ type: 'SourceReady', status: 'True', reason: 'ArtifactReady', message: 'ok', lastTransitionTime: '2026-01-01T00:00:00Z' }],
    history: [{ at: '2026-01-01T00:00:00Z', by: 'alice', action: 'Confirm', wave: 'canary' }],
  },
};

test('status shows source, revision, waves, counts, the next step, conditions and history', () => {
  const out = renderDeliveryStatus(fd, 'table');
  assert.match(out, /GitSource repo, path "web"/);
  assert.match(out, /revision:\s+0123456789ab\s+sequence 4/);
  assert.match(out, /4 placed, 1 applied, 1 healthy, 0 failed, 1 disconnected/);
  assert.match(out, /plinth fleet rollout confirm web/);
  assert.match(out, /2\s+provinces\s+WaitingForConfirm\s+3/);
  assert.match(out, /alice\s+Confirm\s+canary/);
  assert.equal(JSON.parse(renderDeliveryStatus(fd, 'json')).status.sequence, 4);
  assert.equal(statusLine(fd), 'web 0123456789ab seq 4 WaitingForConfirm [canary:Succeeded provinces:WaitingForConfirm] 1/4 healthy, 0 failed');
});

test('the list shows the current wave; a watch ends on settled or failed phases only', () => {
  assert.equal(currentWave(fd), 'provinces 2/2 WaitingForConfirm');
  assert.match(renderDeliveries([fd], 'table', true), /apps\s+web\s+repo\/web\s+WaitingForConfirm/);
  assert.equal(watchEnd(fd), undefined);
  assert.equal(watchEnd({ ...fd, status: { ...fd.status, phase: 'Succeeded' } }), 0);
  assert.equal(watchEnd({ ...fd, status: { ...fd.status, phase: 'Paused', conditions: [{ type: 'Degraded', status: 'True', reason: 'MaxFailuresExceeded', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }] } }), 1);
  assert.equal(watchEnd({ ...fd, status: { ...fd.status, phase: 'Paused' } }), undefined, 'a person\'s pause keeps the watch going');
});
