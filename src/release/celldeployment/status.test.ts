import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import type { ReleaseOrderStatusT } from '../../api/index.js';
import { fakeCd, fakeOrder, fakePod } from '../../../test/support/release-objects.js';
import { unitTargets } from '../plan/index.js';
import { releaseView } from '../view.js';
import { computeStatus, phaseOf, type StatusInput } from './status.js';

const now = new Date('2024-03-08T12:00:00Z');
const cd = fakeCd({ replicas: 3 });
const targets = unitTargets(cd.spec);
const at = (rev: string): V1Pod[] => ['a', 'b', 'c'].map((u) => fakePod({ name: `${u}0`, unit: u, revision: rev, gate: 'True' }));

function input(pods: V1Pod[], status?: ReleaseOrderStatusT, spec = {}): StatusInput {
  const orders = status ? [fakeOrder({ status, spec })] : [];
  return { cd, pods, view: releaseView(cd, orders, pods, 'r2'), targets, topologyProblems: [], unschedulable: [], failures: [], waiting: [], now };
}

test('phase follows the current order and whether the pods settled', () => {
  assert.equal(phaseOf(input(at('r2'))), 'Completed');
  assert.equal(phaseOf(input(at('r2').slice(1))), 'Progressing', 'a unit short');
  assert.equal(phaseOf(input(at('r1'), { phase: 'Progressing' })), 'Progressing');
  assert.equal(phaseOf(input(at('r1'), { phase: 'WaitingForConfirm' })), 'WaitingForConfirm');
  assert.equal(phaseOf(input(at('r1'), { phase: 'Progressing' }, { paused: true })), 'Paused');
  assert.equal(phaseOf(input(at('r1'), { phase: 'RollingBack' })), 'RollingBack');
  assert.equal(phaseOf(input(at('r1'), { phase: 'RolledBack' }, { rollback: true })), 'Failed', 'the template is not running: a person must act');
  assert.equal(phaseOf(input(at('r2'), { phase: 'Completed' })), 'Completed');
});

test('status: counts per unit, revisions, order, conditions', () => {
  const pods = [...at('r1'), fakePod({ name: 'a1', unit: 'a', revision: 'r2', gate: 'True', ready: false }), fakePod({ name: 'gone', unit: 'b', deleting: true })];
  const s = computeStatus({ ...input(pods, { phase: 'Progressing' }), unschedulable: ['c'], failures: ['create pod: quota'] }, undefined);
  assert.equal(s.replicas, 4);
  assert.equal(s.readyReplicas, 3);
  assert.equal(s.updatedReplicas, 1);
  assert.equal(s.updateRevision, 'r2');
  assert.equal(s.currentRevision, 'r1');
  assert.equal(s.releaseOrder, 'web-r2');
  assert.deepEqual(s.units, [
    { name: 'a', replicas: 2, readyReplicas: 1, updatedReplicas: 1 },
    { name: 'b', replicas: 1, readyReplicas: 1, updatedReplicas: 0 },
    { name: 'c', replicas: 1, readyReplicas: 1, updatedReplicas: 0 },
  ]);
  const cond = (t: string) => s.conditions!.find((c) => c.type === t)!;
  assert.equal(cond('UnitsSchedulable').status, 'False');
  assert.match(cond('UnitsSchedulable').message, /unit\(s\) c/);
  assert.equal(cond('ReplicaFailure').status, 'True');
  assert.equal(cond('Released').status, 'False');
  assert.equal(cond('Released').reason, 'Progressing');
  assert.equal(cond('TopologyValid').status, 'True');
  assert.ok(s.conditions!.every((c) => c.lastTransitionTime === '2024-03-08T12:00:00Z' && typeof c.reason === 'string' && typeof c.message === 'string'));
  // A later status keeps transition times of unchanged conditions.
  const later = computeStatus({ ...input(pods, { phase: 'Progressing' }), unschedulable: [], now: new Date('2024-03-08T12:05:00Z') }, s);
  assert.equal(later.conditions!.find((c) => c.type === 'TopologyValid')!.lastTransitionTime, '2024-03-08T12:00:00Z');
  assert.equal(later.conditions!.find((c) => c.type === 'UnitsSchedulable')!.lastTransitionTime, '2024-03-08T12:05:00Z');
});

test('the current order\'s Stalled condition is shown on the CellDeployment, and goes False when it is gone', () => {
  const stalled = { type: 'Stalled', status: 'True' as const, reason: 'PodsNotReady', message: 'no progress for 301s in batch 1: a0', lastTransitionTime: '2024-03-08T11:59:00Z' };
  const s = computeStatus(input(at('r1'), { phase: 'Progressing', conditions: [stalled] }), undefined);
  const c = s.conditions!.find((x) => x.type === 'Stalled')!;
  assert.deepEqual([c.status, c.reason, c.message], ['True', 'PodsNotReady', 'no progress for 301s in batch 1: a0']);
  const after = computeStatus(input(at('r2')), s);
  assert.equal(after.conditions!.find((x) => x.type === 'Stalled')!.status, 'False');
  assert.equal(computeStatus(input(at('r2')), undefined).conditions!.find((x) => x.type === 'Stalled'), undefined);
});
