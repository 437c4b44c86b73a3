import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeCd, fakeOrder, fakePod } from '../../test/support/release-objects.js';
import { currentRevision, needsOrder, releaseView } from './view.js';

const pods = [fakePod({ name: 'p1', revision: 'r1' }), fakePod({ name: 'p2', revision: 'r1' }), fakePod({ name: 'p3', revision: 'r2' })];
const batches = (phases: string[]) => phases.map((phase, index) => ({ index, pods: [`p${index + 1}`], phase: phase as 'Pending', ...(phase !== 'Pending' && phase !== 'WaitingForConfirm' ? { startedAt: '2024-01-01T00:00:00Z' } : {}) }));

test('no order: new pods at the update revision, nothing active; a new order is due when pods run another revision', () => {
  const v = releaseView(fakeCd(), [], pods, 'r2');
  assert.equal(v.mode, 'none');
  assert.equal(v.target, 'r2');
  assert.equal(v.order, undefined);
  assert.equal(v.currentRevision, 'r1', 'most pods run r1');
  assert.ok(needsOrder(v, pods));
  assert.ok(!needsOrder(releaseView(fakeCd(), [], [fakePod({ name: 'p', revision: 'r2' })], 'r2'), [fakePod({ name: 'p', revision: 'r2' })]));
});

test('forward: the Running batch is active; a waiting order has nothing active', () => {
  const running = fakeOrder({ status: { phase: 'Progressing', batches: batches(['Succeeded', 'Running', 'Pending']) } });
  const v = releaseView(fakeCd(), [running], pods, 'r2');
  assert.equal(v.mode, 'forward');
  assert.deepEqual([...v.active], ['p2']);
  assert.equal(v.batch, 1);
  assert.equal(v.target, 'r2');
  assert.equal(v.currentRevision, 'r1');
  const waiting = fakeOrder({ status: { phase: 'WaitingForConfirm', batches: batches(['Succeeded', 'WaitingForConfirm']) } });
  assert.equal(releaseView(fakeCd(), [waiting], pods, 'r2').mode, 'none');
  assert.ok(!needsOrder(releaseView(fakeCd(), [waiting], pods, 'r2'), pods));
});

test('rollback: the latest started batch first, then the sweep, then the from revision for good', () => {
  const o = (phases: string[], phase = 'RollingBack') => fakeOrder({ spec: { rollback: true }, status: { phase: phase as 'RollingBack', batches: batches(phases) } });
  let v = releaseView(fakeCd(), [o(['Succeeded', 'Running', 'Pending'])], pods, 'r2');
  assert.equal(v.mode, 'rollback');
  assert.equal(v.batch, 1);
  assert.equal(v.target, 'r1');
  v = releaseView(fakeCd(), [o(['Succeeded', 'RolledBack', 'Pending'])], pods, 'r2');
  assert.equal(v.batch, 0);
  v = releaseView(fakeCd(), [o(['RolledBack', 'RolledBack', 'Pending'])], pods, 'r2');
  assert.equal(v.mode, 'sweep');
  assert.deepEqual([...v.active], ['p3'], 'every pod not on the from revision');
  v = releaseView(fakeCd(), [o(['RolledBack', 'RolledBack', 'Pending'], 'RolledBack')], pods, 'r2');
  assert.equal(v.mode, 'none');
  assert.equal(v.target, 'r1', 'a rolled-back CellDeployment keeps creating pods at the from revision');
  assert.equal(v.currentRevision, 'r1');
  assert.ok(!needsOrder(v, pods), 'no new order until the template changes');
});

test('a template change after the latest order: that order is not current; superseding is due while it runs', () => {
  const running = fakeOrder({ to: 'r2', status: { phase: 'Progressing', batches: batches(['Running']) } });
  const v = releaseView(fakeCd(), [running], pods, 'r3');
  assert.equal(v.order, undefined);
  assert.equal(v.latest, running);
  assert.equal(v.target, 'r3');
  assert.equal(v.currentRevision, 'r1', 'a release in progress started from r1');
  assert.ok(needsOrder(v, pods));
  const completed = fakeOrder({ to: 'r2', status: { phase: 'Completed', batches: batches(['Succeeded']) } });
  assert.equal(releaseView(fakeCd(), [completed], pods, 'r3').currentRevision, 'r2');
});

test('paused on either object', () => {
  const o = fakeOrder({ spec: { paused: true }, status: { phase: 'Progressing', batches: batches(['Running']) } });
  assert.ok(releaseView(fakeCd(), [o], pods, 'r2').paused);
  assert.ok(releaseView(fakeCd({ paused: true }), [], pods, 'r2').paused);
});

test('currentRevision without orders: the majority revision, ties to the update revision', () => {
  assert.equal(currentRevision(undefined, [], 'r9'), 'r9');
  assert.equal(currentRevision(undefined, [fakePod({ name: 'a', revision: 'r1' }), fakePod({ name: 'b', revision: 'r2' })], 'r2'), 'r2');
  assert.equal(currentRevision(undefined, [fakePod({ name: 'a', revision: 'r1' }), fakePod({ name: 'b', revision: 'r2' })], 'r3'), 'r1');
});
