import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import type { CellDeployment, ReleaseOrder, ReleaseOrderStatusT } from '../../api/index.js';
import { fakeCd, fakeOrder, fakePod } from '../../../test/support/release-objects.js';
import type { CheckMoment, CheckVerdict } from './checks.js';
import { progress, verdictKey, type ProgressInput, type ProgressOutput } from './progress.js';

const t0 = new Date('2024-03-08T12:00:00Z');
const PASS: CheckVerdict = { result: 'Passed' };

/** Six pods, two per unit, all on `rev` (ready, in traffic). */
function podsAt(rev: string, overrides: Record<string, string> = {}): V1Pod[] {
  return ['a0', 'a1', 'b0', 'b1', 'c0', 'c1'].map((n) => fakePod({ name: n, unit: n[0]!, revision: overrides[n] ?? rev, gate: 'True' }));
}

/** progress() as the controller runs it: every hook passes unless told otherwise. */
function run(input: Omit<ProgressInput, 'now' | 'newer'> & { now?: Date; newer?: ProgressInput['newer'] }, verdict: (check: CheckMoment, batch: number) => CheckVerdict = () => PASS): ProgressOutput {
  const full: ProgressInput = { now: t0, newer: undefined, ...input };
  const verdicts = new Map<string, CheckVerdict>();
  let out = progress(full);
  while (out.needs) {
    verdicts.set(verdictKey(out.needs.check, out.needs.batch), verdict(out.needs.check, out.needs.batch));
    out = progress({ ...full, verdicts });
  }
  return out;
}

/** Pods with the named ones on r2 (the rest on r1). */
function podsWith(names: readonly string[]): V1Pod[] {
  return podsAt('r1', Object.fromEntries(names.map((n) => [n, 'r2'])));
}

function withStatus(o: ReleaseOrder, status: ReleaseOrderStatusT): ReleaseOrder {
  return { ...o, status };
}
const actions = (s: ReleaseOrderStatusT): string[] => (s.history ?? []).map((h) => `${h.action}${h.batch !== undefined ? `#${h.batch}` : ''}`);

test('plans once (beta first), starts batch 0, records it', () => {
  const cd = fakeCd({ strategy: { type: 'InPlaceIfPossible', beta: true, batchSize: 2, needConfirm: true, pauseSeconds: 0, drainSeconds: 3 } });
  const out = run({ order: fakeOrder({}), cd, pods: podsAt('r1') });
  const b = out.status.batches!;
  assert.deepEqual(b.map((x) => x.pods), [['a0', 'b0', 'c0'], ['a1', 'b1'], ['c1']]);
  assert.deepEqual(b.map((x) => x.phase), ['Running', 'Pending', 'Pending']);
  assert.equal(b[0]!.startedAt, '2024-03-08T12:00:00Z');
  assert.equal(out.status.phase, 'Progressing');
  assert.deepEqual(actions(out.status), ['Planned', 'BatchStarted#0']);
  assert.ok(out.status.history!.every((h) => h.by === 'system:plinth'));
  // Planned batches are never planned again, whatever the pods look like now.
  const again = run({ order: withStatus(fakeOrder({}), out.status), cd, pods: podsAt('r1', { a1: 'r2' }) });
  assert.deepEqual(again.status.batches!.map((x) => x.pods), b.map((x) => x.pods));
});

test('needConfirm: batch i starts once confirmedBatches >= i (batch 0 at once)', () => {
  const cd = fakeCd({ strategy: { type: 'InPlaceIfPossible', beta: true, batchSize: 3, needConfirm: true, pauseSeconds: 0, drainSeconds: 3 } });
  let order = fakeOrder({});
  let out = run({ order, cd, pods: podsAt('r1') });
  order = withStatus(order, out.status);
  // Beta pods updated: batch 0 succeeds, batch 1 waits.
  const afterBeta = podsAt('r1', { a0: 'r2', b0: 'r2', c0: 'r2' });
  out = run({ order, cd, pods: afterBeta });
  assert.equal(out.status.phase, 'WaitingForConfirm');
  assert.equal(out.status.currentBatch, 1);
  assert.deepEqual(out.status.batches!.map((x) => x.phase), ['Succeeded', 'WaitingForConfirm']);
  assert.deepEqual(actions(out.status).slice(-2), ['BatchSucceeded#0', 'WaitingForConfirm#1']);
  assert.match(out.status.history!.at(-1)!.message!, /set spec\.confirmedBatches to 1/);
  // Idempotent while nothing changes.
  order = withStatus(order, out.status);
  assert.deepEqual(run({ order, cd, pods: afterBeta }).status, out.status);
  // Confirming batch 1 lets it start.
  order = { ...order, spec: { ...order.spec, confirmedBatches: 1 } };
  out = run({ order, cd, pods: afterBeta });
  assert.equal(out.status.batches![1]!.phase, 'Running');
  assert.match(out.status.history!.at(-1)!.message!, /confirmed/);
});

test('pauseSeconds between batches without needConfirm', () => {
  const cd = fakeCd({ strategy: { type: 'InPlaceIfPossible', beta: false, batchSize: 3, needConfirm: false, pauseSeconds: 30, drainSeconds: 3 } });
  let order = withStatus(fakeOrder({}), run({ order: fakeOrder({}), cd, pods: podsAt('r1') }).status);
  const pods = podsWith(order.status!.batches![0]!.pods);
  const out = run({ order, cd, pods, now: t0 });
  assert.equal(out.status.batches![0]!.phase, 'Succeeded');
  assert.equal(out.status.batches![1]!.phase, 'Pending');
  assert.equal(out.requeueAfterMs, 30_000);
  order = withStatus(order, out.status);
  assert.equal(run({ order, cd, pods, now: new Date(t0.getTime() + 30_000) }).status.batches![1]!.phase, 'Running');
});

test('paused (order or CellDeployment) holds the next batch; resuming is recorded', () => {
  const cd = fakeCd({ strategy: { type: 'InPlaceIfPossible', beta: false, batchSize: 3, needConfirm: false, pauseSeconds: 0, drainSeconds: 3 } });
  const start = run({ order: fakeOrder({}), cd, pods: podsAt('r1') }).status;
  const pods = podsWith(start.batches![0]!.pods);
  let order = withStatus(fakeOrder({ spec: { paused: true } }), start);
  let out = run({ order, cd, pods });
  assert.equal(out.status.phase, 'Paused');
  assert.equal(out.status.batches![1]!.phase, 'Pending');
  assert.match(out.status.history!.find((h) => h.action === 'Paused')!.message!, /on the ReleaseOrder/);
  order = withStatus(fakeOrder({}), out.status);
  out = run({ order, cd: fakeCd({ ...cd.spec, paused: true }), pods });
  assert.equal(out.status.phase, 'Paused');
  out = run({ order: withStatus(fakeOrder({}), out.status), cd, pods });
  assert.equal(out.status.phase, 'Progressing');
  // The pause came while batch 0 ran: it finished (its pods were in flight), batch 1 waited for the resume.
  assert.deepEqual(actions(out.status), ['Planned', 'BatchStarted#0', 'Paused#0', 'BatchSucceeded#0', 'Resumed#1', 'BatchStarted#1']);
});

test('a batch is done only when its pods are on the revision, Ready and in traffic, and no recreate is pending', () => {
  const cd = fakeCd({ strategy: { type: 'InPlaceIfPossible', beta: false, batchSize: 2, needConfirm: true, pauseSeconds: 0, drainSeconds: 3 } });
  const order = withStatus(fakeOrder({}), run({ order: fakeOrder({}), cd, pods: podsAt('r1') }).status);
  assert.deepEqual(order.status!.batches![0]!.pods, ['a0', 'b0']);
  const notYet = podsWith(['a0', 'b0']);
  notYet[2]!.status!.conditions = notYet[2]!.status!.conditions!.map((c) => (c.type === 'apps.plinth.dev/traffic-ready' ? { ...c, status: 'False' } : c));
  assert.equal(notYet[2]!.metadata!.name, 'b0');
  assert.equal(run({ order, cd, pods: notYet }).status.batches![0]!.phase, 'Running', 'b0 out of traffic');
  assert.equal(run({ order, cd, pods: podsWith(['a0', 'b0']) }).status.batches![0]!.phase, 'Succeeded');
  const recreating = podsWith(['b0']).filter((p) => p.metadata!.name !== 'a0');
  assert.equal(run({ order, cd, pods: recreating }).status.batches![0]!.phase, 'Running', 'a0 gone and unit a short: being recreated');
  const scaledAway = podsWith(['b0']).filter((p) => p.metadata!.name !== 'a0');
  const fewer = fakeCd({ ...cd.spec, replicas: 5, topology: { unitKey: 'zone', units: ['a', 'b', 'c'], unitReplicas: { a: 1 } } });
  assert.equal(run({ order, cd: fewer, pods: scaledAway }).status.batches![0]!.phase, 'Succeeded', 'a0 scaled away');
});

test('checks: Blocked holds the batch; Running after a batch shows Checking; Failed with Rollback rolls back', () => {
  const cd = fakeCd({ strategy: { type: 'InPlaceIfPossible', beta: false, batchSize: 3, needConfirm: false, pauseSeconds: 0, drainSeconds: 3 } });
  const blocked = run({ order: fakeOrder({}), cd, pods: podsAt('r1') }, () => ({ result: 'Blocked', message: 'blackout "peak" until 14:00', retryAfterMs: 60_000, checks: [{ name: 'blackout', kind: 'pre', result: 'Blocked', at: '2024-03-08T12:00:00Z' }] }));
  assert.equal(blocked.status.phase, 'Blocked');
  assert.equal(blocked.status.batches![0]!.phase, 'Pending');
  assert.equal(blocked.requeueAfterMs, 60_000);
  assert.equal(blocked.status.checks!.length, 1);
  const order = withStatus(fakeOrder({}), run({ order: fakeOrder({}), cd, pods: podsAt('r1') }).status);
  const pods = podsWith(order.status!.batches![0]!.pods);
  const checking = run({ order, cd, pods }, (c) => (c === 'after' ? { result: 'Running', retryAfterMs: 10_000 } : PASS));
  assert.equal(checking.status.batches![0]!.phase, 'Checking');
  const failed = run({ order, cd, pods }, (c) => (c === 'after' ? { result: 'Failed', message: 'error rate 5%', onFailure: 'Rollback' } : PASS));
  assert.equal(failed.status.batches![0]!.phase, 'Failed');
  assert.equal(failed.status.phase, 'RollingBack');
  assert.deepEqual(actions(failed.status).slice(-2), ['CheckFailed#0', 'RollbackStarted']);
  const paused = run({ order, cd, pods }, (c) => (c === 'after' ? { result: 'Failed', message: 'error rate 5%', onFailure: 'Pause' } : PASS));
  assert.equal(paused.status.phase, 'Paused', 'onFailure Pause pauses the order: a person resumes or rolls back');
  assert.equal(paused.pauseOrder, true, 'the controller sets spec.paused');
  assert.deepEqual(actions(paused.status).slice(-2), ['CheckFailed#0', 'Paused#0']);
  // Still paused (spec.paused now true): nothing moves, the checks are not asked again.
  const held = withStatus(fakeOrder({ spec: { paused: true } }), paused.status);
  const still = run({ order: held, cd, pods }, () => assert.fail('no check while paused'));
  assert.equal(still.status.phase, 'Paused');
  assert.equal(still.status.batches![0]!.phase, 'Failed');
  // Resumed: the failed batch's checks run again; passing, the release goes on to the next batch.
  const resumed = run({ order: withStatus(fakeOrder({}), paused.status), cd, pods }, () => PASS);
  assert.equal(resumed.status.batches![0]!.phase, 'Succeeded');
  assert.equal(resumed.status.batches![1]!.phase, 'Running');
  assert.deepEqual(actions(resumed.status).slice(-3), ['Resumed#0', 'BatchSucceeded#0', 'BatchStarted#1']);
});

test('rollback: started batches return latest first, then the sweep; RolledBack when every pod is back', () => {
  const cd = fakeCd({ strategy: { type: 'InPlaceIfPossible', beta: false, batchSize: 2, needConfirm: true, pauseSeconds: 0, drainSeconds: 3 } });
  let order = withStatus(fakeOrder({}), run({ order: fakeOrder({}), cd, pods: podsAt('r1') }).status);
  const [b0, b1] = [order.status!.batches![0]!.pods, order.status!.batches![1]!.pods];
  assert.deepEqual([b0, b1], [['a0', 'b0'], ['c0', 'a1']]);
  let out = run({ order: { ...order, spec: { ...order.spec, confirmedBatches: 1 } }, cd, pods: podsWith(b0) });
  assert.equal(out.status.batches![1]!.phase, 'Running');
  order = withStatus(fakeOrder({ spec: { confirmedBatches: 1, rollback: true } }), out.status);
  // c0 of the running batch 1 was updated when the rollback came; c1 was created at r2 by a scale-up.
  out = run({ order, cd, pods: podsWith([...b0, 'c0', 'c1']) });
  assert.equal(out.status.phase, 'RollingBack');
  assert.equal(out.status.currentBatch, 1, 'the latest started batch first');
  out = run({ order: withStatus(order, out.status), cd, pods: podsWith([...b0, 'c1']) });
  assert.equal(out.status.batches![1]!.phase, 'RolledBack');
  assert.equal(out.status.currentBatch, 0);
  out = run({ order: withStatus(order, out.status), cd, pods: podsWith(['c1']) });
  assert.equal(out.status.batches![0]!.phase, 'RolledBack');
  assert.equal(out.status.phase, 'RollingBack', 'c1 is not back yet (the sweep)');
  out = run({ order: withStatus(order, out.status), cd, pods: podsAt('r1') });
  assert.equal(out.status.phase, 'RolledBack');
  assert.deepEqual(actions(out.status).slice(-4), ['RollbackStarted', 'BatchRolledBack#1', 'BatchRolledBack#0', 'RolledBack']);
  assert.equal(out.status.batches![2]!.phase, 'Pending', 'never started, left as it was');
});

test('completed after the last batch; superseded when a newer order exists', () => {
  const cd: CellDeployment = fakeCd({ strategy: { type: 'InPlaceIfPossible', beta: false, batchSize: 6, needConfirm: false, pauseSeconds: 0, drainSeconds: 3 } });
  const order = withStatus(fakeOrder({}), run({ order: fakeOrder({}), cd, pods: podsAt('r1') }).status);
  const done = run({ order, cd, pods: podsAt('r2') });
  assert.equal(done.status.phase, 'Completed');
  assert.deepEqual(actions(done.status).slice(-2), ['BatchSucceeded#0', 'Completed']);
  const sup = run({ order, cd, pods: podsAt('r1'), newer: { name: 'web-r3', toRevision: 'r3' } });
  assert.equal(sup.status.phase, 'Superseded');
  assert.match(sup.status.history!.at(-1)!.message!, /superseded by web-r3 \(revision r3\)/);
  assert.equal(run({ order: withStatus(order, done.status), cd, pods: podsAt('r2'), newer: { name: 'x', toRevision: 'r3' } }).status.phase, 'Completed', 'a completed order stays completed');
  const nothing = run({ order: fakeOrder({}), cd, pods: podsAt('r2') });
  assert.equal(nothing.status.phase, 'Completed', 'no pod to update: done at once');
  assert.deepEqual(nothing.status.batches, []);
});

test('a running batch with Pending pods asks the during-batch hook: Running looks again later, Failed pauses', () => {
  const cd = fakeCd({ strategy: { type: 'Recreate', beta: false, batchSize: 2, needConfirm: false, pauseSeconds: 0, drainSeconds: 3 } });
  const order = withStatus(fakeOrder({}), run({ order: fakeOrder({}), cd, pods: podsAt('r1') }).status);
  const b0 = order.status!.batches![0]!.pods;
  const pods = podsAt('r1').map((p) => (p.metadata!.name === b0[0] ? { ...p, status: { ...p.status, phase: 'Pending' } } : p));
  const asked: string[] = [];
  const waiting = run({ order, cd, pods }, (c, b) => {
    asked.push(`${c}:${b}`);
    return c === 'during' ? { result: 'Running', retryAfterMs: 12_000 } : PASS;
  });
  assert.deepEqual(asked, ['during:0']);
  assert.equal(waiting.requeueAfterMs, 12_000);
  assert.equal(waiting.status.batches![0]!.phase, 'Running');
  const stuck = run({ order, cd, pods }, (c) => (c === 'during' ? { result: 'Failed', message: `pods stuck Pending for more than 60s: ${b0[0]}`, onFailure: 'Pause' } : PASS));
  assert.equal(stuck.status.phase, 'Paused');
  assert.equal(stuck.status.batches![0]!.phase, 'Failed');
  assert.equal(stuck.pauseOrder, true);
  const none: string[] = [];
  run({ order, cd, pods: podsAt('r1') }, (c) => {
    none.push(c);
    return PASS;
  });
  assert.deepEqual(none, [], 'no Pending pod: no hook is asked while the batch runs');
});
