import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusModel, type ModelInput } from '../../../release/steer/status-model.js';
import { renderStatus, renderStatusText } from './status-view.js';
import { waitingOrder, webCd } from '../../../../test/support/release-orders.js';

const now = new Date('2026-01-01T10:05:00Z');
const input = (over: Partial<ModelInput> = {}): ModelInput => ({ order: waitingOrder(), cd: webCd(), resolvedFrom: 'CellDeployment', ref: 'web', nsFlag: ' -n prod', ...over });

test('the status view of a release waiting for confirmation', () => {
  assert.equal(
    renderStatusText(statusModel(input()), now),
    [
      'Release order: web-7c9b1a (current release of celldeployment/web, namespace prod)',
      'Phase:         WaitingForConfirm',
      'Revision:      5d8f7c → 7c9b1a',
      'Batch:         2 of 3, confirmed up to batch 1',
      'Pods:          3 of 6 done',
      'Workload:      6/6 ready, 3 updated, WaitingForConfirm',
      '',
      'BATCH   PHASE               UNITS                  PODS   STARTED   FINISHED',
      '1       Succeeded           zone-a,zone-b,zone-c   3      5m ago    3m30s ago',
      '2       WaitingForConfirm   zone-a,zone-b          2      <none>    <none>',
      '3       Pending             zone-c                 1      <none>    <none>',
      '',
      'UNIT     REPLICAS   READY   UPDATED',
      'zone-a   2          2       1',
      'zone-b   2          2       1',
      'zone-c   2          2       1',
      '',
      'Last: WaitingForConfirm (batch 2) by system:plinth 3m30s ago: batch 2 of 3 waits: set spec.confirmedBatches to 1 to start it',
      'Next: batch 2 of 3 waits for confirmation: plinth release confirm web -n prod',
      '',
    ].join('\n'),
  );
  // -o wide adds the pods of every batch.
  const wide = renderStatus(statusModel(input()), 'wide', now);
  assert.ok(wide.includes('FINISHED    POD-NAMES\n1       Succeeded           zone-a,zone-b,zone-c   3      5m ago    3m30s ago   web-a1,web-b1,web-c1\n'), wide);
});

test('the JSON document: API numbering (index) beside the displayed one (number), unit counts, next action', () => {
  const v = JSON.parse(renderStatus(statusModel(input()), 'json', now));
  assert.deepEqual(Object.keys(v), [
    'kind', 'namespace', 'releaseOrder', 'resolvedFrom', 'target', 'phase', 'fromRevision', 'toRevision', 'spec', 'currentBatch',
    'batchCount', 'pods', 'batches', 'units', 'cellDeployment', 'checks', 'next', 'lastHistory',
  ]);
  assert.equal(v.kind, 'ReleaseStatus');
  assert.deepEqual(v.currentBatch, { index: 1, number: 2 });
  assert.deepEqual(v.pods, { total: 6, done: 3 });
  assert.deepEqual(v.batches[1], { index: 1, number: 2, phase: 'WaitingForConfirm', units: ['zone-a', 'zone-b'], pods: ['web-a2', 'web-b2'], startedAt: null, finishedAt: null });
  assert.deepEqual(v.units[0], { name: 'zone-a', replicas: 2, readyReplicas: 2, updatedReplicas: 1 });
  assert.deepEqual(v.next, { action: 'confirm', message: 'batch 2 of 3 waits for confirmation: plinth release confirm web -n prod', command: 'plinth release confirm web -n prod' });
  assert.equal(v.lastHistory.action, 'WaitingForConfirm');
  assert.equal(renderStatus(statusModel(input()), 'name', now), 'releaseorder.apps.plinth.dev/web-7c9b1a\n');
});

test('the next action follows the phase', () => {
  const next = (over: Partial<ModelInput>): { action: string; message: string; command: string | null } => statusModel(input(over)).next;
  assert.deepEqual(next({ order: waitingOrder({ spec: { paused: true }, status: { phase: 'Paused' } }) }), {
    action: 'resume',
    message: 'paused: resume with plinth release resume web -n prod',
    command: 'plinth release resume web -n prod',
  });
  assert.equal(next({ order: waitingOrder({ status: { phase: 'Paused' } }), cd: webCd({ paused: true }) }).command, `kubectl patch celldeployment web -n prod --type merge -p '{"spec":{"paused":false}}'`);
  const running = waitingOrder({ spec: { confirmedBatches: 1 }, status: { phase: 'Progressing', batches: waitingOrder().status!.batches!.map((b) => (b.index === 1 ? { ...b, phase: 'Running' as const } : b)) } });
  assert.deepEqual(next({ order: running, nsFlag: '' }), { action: 'wait', message: 'batch 2 of 3 is Running (2 pod(s)): plinth release status web --watch', command: 'plinth release status web --watch' });
  assert.equal(next({ order: waitingOrder({ status: { phase: 'Completed' } }) }).action, 'none');
  const failed = waitingOrder({ status: { phase: 'Failed', checks: [{ name: 'error-rate', kind: 'post', batch: 0, result: 'Failed', message: '5xx ratio 0.2 > 0.01', at: '2026-01-01T10:02:00Z' }] } });
  assert.deepEqual(next({ order: failed }), {
    action: 'rollback',
    message: 'failed (error-rate: 5xx ratio 0.2 > 0.01): roll back with plinth release rollback web -n prod',
    command: 'plinth release rollback web -n prod',
  });
  const blocked = waitingOrder({ status: { phase: 'Blocked', checks: [{ name: 'blackout', kind: 'pre', batch: 1, result: 'Blocked', message: 'inside window business-peak until 12:00', at: '2026-01-01T10:02:00Z' }] } });
  assert.match(next({ order: waitingOrder({ ...blocked, spec: { confirmedBatches: 1 } }) }).message, /^blocked \(blackout: inside window business-peak until 12:00\); it goes on once the check passes/);
  assert.deepEqual(next({ order: waitingOrder({ status: { phase: 'Superseded' } }), cd: webCd({ releaseOrder: 'web-8e0f11' }), resolvedFrom: 'ReleaseOrder', ref: 'ro/web-7c9b1a' }), {
    action: 'none',
    message: "superseded by a newer release order (web-8e0f11): follow the CellDeployment's current release",
    command: 'plinth release status celldeployment/web -n prod',
  });
  assert.equal(next({ order: waitingOrder({ status: { phase: 'Pending', batches: undefined, currentBatch: undefined } }) }).message, 'waiting for the controller to plan the batches');
  assert.match(next({ order: waitingOrder({ spec: { rollback: true }, status: { phase: 'RollingBack', currentBatch: 0 } }) }).message, /^rolling back batch 1 of 3 to revision 5d8f7c/);
});

test('checks, flags, a missing CellDeployment and an older order are shown', () => {
  const order = waitingOrder({
    spec: { paused: true, rollback: true },
    status: { phase: 'RollingBack', checks: [{ name: 'error-rate', kind: 'post', batch: 0, result: 'Passed', at: '2026-01-01T10:01:00Z' }] },
  });
  const text = renderStatusText(statusModel(input({ order, cd: undefined, resolvedFrom: 'ReleaseOrder', ref: 'ro/web-7c9b1a' })), now);
  for (const line of [
    'Release order: web-7c9b1a (release of celldeployment/web, namespace prod)\n',
    'Flags:         paused (spec.paused), rollback requested (spec.rollback)\n',
    'Workload:      CellDeployment web not found\n',
    'CHECK        KIND   BATCH   RESULT   AGE   MESSAGE\nerror-rate   post   1       Passed   4m    <none>\n',
  ]) {
    assert.ok(text.includes(line), `${line} in\n${text}`);
  }
  const older = renderStatusText(statusModel(input({ cd: webCd({ releaseOrder: 'web-8e0f11' }), resolvedFrom: 'ReleaseOrder' })), now);
  assert.match(older, /; the CellDeployment now follows web-8e0f11\)/);
});
