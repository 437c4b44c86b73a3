import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReleasePlan } from '../../../api/index.js';
import { planHistoryModel, planStatusModel, renderPlanHistory, renderPlanStatus } from './plan-view.js';

const failed: ReleasePlan = {
  apiVersion: 'apps.plinth.dev/v1alpha1',
  kind: 'ReleasePlan',
  metadata: { name: 'v2', namespace: 'prod' },
  spec: {
    apps: [
      { name: 'config', kind: 'CellDeployment', images: [{ container: 'app', image: 'config:2' }] },
      { name: 'order', kind: 'CellDeployment', images: [{ container: 'app', image: 'order:2' }], dependsOn: ['config'] },
    ],
    needConfirm: false,
    beta: false,
    confirmedStages: 0,
    paused: true,
    rollback: false,
  },
  status: {
    phase: 'Paused',
    currentStage: 1,
    stages: [{ index: 0, apps: ['config'], phase: 'Succeeded' }, { index: 1, apps: ['order'], phase: 'Failed' }],
    apps: [
      { name: 'config', kind: 'CellDeployment', phase: 'Completed', fromImages: [{ container: 'app', image: 'config:1' }], releaseOrder: 'config-abc' },
      { name: 'order', kind: 'CellDeployment', phase: 'Failed', releaseOrder: 'order-def', message: 'ReleaseOrder order-def is Stalled' },
    ],
    conditions: [
      { type: 'Valid', status: 'True', reason: 'Valid', message: 'ok', lastTransitionTime: '2026-12-07T10:00:00Z' },
      { type: 'AppFailed', status: 'True', reason: 'AppFailed', message: 'app order failed in stage 2', lastTransitionTime: '2026-12-07T10:00:00Z' },
    ],
    history: [{ at: '2026-12-07T10:00:00Z', by: 'system:plinth', action: 'AppFailed', stage: 1, app: 'order', message: 'app order failed' }],
  },
};

test('status: head, stages and apps 1-based, the failing condition and what to do next', () => {
  const v = planStatusModel(failed, 'v2 -n prod');
  assert.equal(v.next, 'app order failed in stage 2');
  const text = renderPlanStatus(v, 'table');
  assert.match(text, /^Release plan prod\/v2: Paused, stage 2\/2 \(paused\), confirmed stages: 0\n/);
  assert.match(text, /\n2\s+Failed\s+order\n/);
  assert.match(text, /config\s+CellDeployment\s+Completed\s+app=config:2\s+config-abc/);
  assert.match(text, /AppFailed=True \(AppFailed\): app order failed in stage 2\n/);
  assert.doesNotMatch(text, /Valid=True/, 'conditions that are fine are not shown');
  assert.match(renderPlanStatus(v, 'wide'), /app=config:1/);
  const doc = JSON.parse(renderPlanStatus(v, 'json')) as { kind: string; currentStage: number; apps: { dependsOn: string[] }[] };
  assert.equal(doc.kind, 'ReleasePlanStatus');
  assert.equal(doc.currentStage, 1);
  assert.deepEqual(doc.apps[1]?.dependsOn, ['config']);
});

test('history: stages 1-based in the table, 0-based in JSON', () => {
  const v = planHistoryModel(failed);
  assert.match(renderPlanHistory(v, 'table'), /system:plinth\s+AppFailed\s+2\s+order\s+app order failed/);
  assert.equal((JSON.parse(renderPlanHistory(v, 'json')) as { items: { stage: number }[] }).items[0]?.stage, 1);
  assert.equal(renderPlanHistory({ ...v, items: [] }, 'table'), 'No history yet in release plan prod/v2.\n');
});
