import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import type { ReleaseOrder, ReleaseOrderStatusT } from '../../api/index.js';
import { fakeCd, fakeOrder, fakePod } from '../../../test/support/release-objects.js';
import type { CheckVerdict } from './checks.js';
import { progress, verdictKey, type ProgressInput, type ProgressOutput } from './progress.js';

const t0 = new Date('2024-03-08T12:00:00Z');
const PASS: CheckVerdict = { result: 'Passed' };
const later = (s: number): Date => new Date(t0.getTime() + s * 1000);

function run(input: Omit<ProgressInput, 'newer' | 'now'> & { now?: Date }): ProgressOutput {
  const full: ProgressInput = { now: t0, newer: undefined, ...input };
  const verdicts = new Map<string, CheckVerdict>();
  let out = progress(full);
  while (out.needs) {
    verdicts.set(verdictKey(out.needs.check, out.needs.batch), PASS);
    out = progress({ ...full, verdicts });
  }
  return out;
}

function podsAt(rev: string): V1Pod[] {
  return ['a0', 'b0', 'c0'].map((n) => fakePod({ name: n, unit: n[0]!, revision: rev, gate: 'True' }));
}
const withStatus = (o: ReleaseOrder, status: ReleaseOrderStatusT): ReleaseOrder => ({ ...o, status });
const condition = (s: ReleaseOrderStatusT, type: string) => s.conditions?.find((c) => c.type === type);

test('an invalid image fails the order before any batch starts, with a condition, a Failed check and a Warning event', () => {
  for (const image of ['nginx:::bad tag', 'registry.local/Web:2']) {
    const cd = fakeCd({ replicas: 3, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } } });
    const out = run({ order: fakeOrder({}), cd, pods: podsAt('r1') });
    assert.equal(out.status.phase, 'Failed', image);
    assert.ok(out.status.batches!.every((b) => b.phase === 'Pending' && b.startedAt === undefined), 'no batch started');
    const c = condition(out.status, 'ImageReferencesValid');
    assert.equal(c?.status, 'False');
    assert.equal(c?.reason, 'InvalidImageReference');
    assert.match(c.message, new RegExp(`containers\\[0\\]\\.image: "${image.replace(/[.]/g, '\\.')}" is not a valid image reference`));
    assert.deepEqual(out.status.checks?.map((x) => [x.name, x.result]), [['image-references', 'Failed']]);
    assert.ok(out.events.some((e) => e.type === 'Warning' && e.reason === 'InvalidImageReference'));
    // Final: the order stays Failed, whatever happens next.
    assert.equal(run({ order: withStatus(fakeOrder({}), out.status), cd, pods: podsAt('r1') }).status.phase, 'Failed');
  }
  // A valid image starts the batch and lists no image check.
  const ok = run({ order: fakeOrder({}), cd: fakeCd({ replicas: 3 }), pods: podsAt('r1') });
  assert.equal(ok.status.batches![0]!.phase, 'Running');
  assert.equal(condition(ok.status, 'ImageReferencesValid'), undefined);
});

test('a running batch without progress for progressDeadlineSeconds is Stalled, naming the pods; progress clears it', () => {
  const cd = fakeCd({ replicas: 3, strategy: { type: 'InPlaceIfPossible', beta: false, batchSize: 3, needConfirm: false, pauseSeconds: 0, drainSeconds: 2, progressDeadlineSeconds: 8 } });
  let order = fakeOrder({});
  let out = run({ order, cd, pods: podsAt('r1') });
  assert.equal(out.status.batches![0]!.phase, 'Running');
  // The batch's pods were changed, but never become Ready (out of traffic).
  const stuck = ['a0', 'b0', 'c0'].map((n) => fakePod({ name: n, unit: n[0]!, revision: 'r2', gate: 'False', ready: false, drainStarted: t0.toISOString() }));
  order = withStatus(order, out.status);
  out = run({ order, cd, pods: stuck, now: later(1) });
  assert.equal(condition(out.status, 'Stalled'), undefined);
  assert.equal(out.requeueAfterMs, 10_000, 'comes back at the deadline');
  order = withStatus(order, out.status);
  // Nothing moved for 5 s: still within the deadline, nothing written.
  assert.deepEqual(run({ order, cd, pods: stuck, now: later(6) }).status, order.status);
  out = run({ order, cd, pods: stuck, now: later(12) });
  const c = condition(out.status, 'Stalled');
  assert.equal(c?.status, 'True');
  assert.equal(c?.reason, 'PodsNotReady');
  assert.match(c.message, /no progress for 11s \(strategy\.progressDeadlineSeconds 8 \+ drainSeconds 2\) in batch 1: on revision r2 but not Ready \(out of traffic\): a0, b0, c0/);
  assert.ok(out.events.some((e) => e.type === 'Warning' && e.reason === 'Stalled' && /PodsNotReady/.test(e.message)));
  assert.equal(out.status.history!.at(-1)!.action, 'Stalled');
  order = withStatus(order, out.status);
  // Still stuck: no second event.
  assert.equal(run({ order, cd, pods: stuck, now: later(20) }).events.length, 0);
  // One pod becomes Ready: progress, Stalled goes False.
  const moving = stuck.map((p, i) => (i === 0 ? fakePod({ name: 'a0', unit: 'a', revision: 'r2', gate: 'True' }) : p));
  out = run({ order, cd, pods: moving, now: later(21) });
  assert.equal(condition(out.status, 'Stalled')?.status, 'False');
  assert.ok(out.events.some((e) => e.reason === 'ProgressResumed'));
});

test('a paused order is not stalled: the clock stops, and starts again on resume', () => {
  const cd = fakeCd({ replicas: 3, strategy: { type: 'InPlaceIfPossible', beta: false, batchSize: 3, needConfirm: false, pauseSeconds: 0, drainSeconds: 2, progressDeadlineSeconds: 8 } });
  let order = withStatus(fakeOrder({}), run({ order: fakeOrder({}), cd, pods: podsAt('r1') }).status);
  const drained = ['a0', 'b0', 'c0'].map((n) => fakePod({ name: n, unit: n[0]!, revision: 'r1', gate: 'False', ready: false, drainStarted: t0.toISOString() }));
  order = withStatus(order, run({ order, cd, pods: drained, now: later(1) }).status);
  const paused = { ...order, spec: { ...order.spec, paused: true } };
  const out = run({ order: paused, cd, pods: drained, now: later(60) });
  assert.equal(condition(out.status, 'Stalled'), undefined);
  assert.equal(out.status.lastProgress, undefined);
  order = withStatus(order, out.status);
  const resumed = run({ order, cd, pods: drained, now: later(61) });
  assert.equal(condition(resumed.status, 'Stalled'), undefined, 'the deadline counts from the resume');
  const stalled = run({ order: withStatus(order, resumed.status), cd, pods: drained, now: later(72) });
  assert.equal(condition(stalled.status, 'Stalled')?.reason, 'DrainedPodsNotChanged');
  assert.match(condition(stalled.status, 'Stalled')!.message, /out of traffic, waiting to be changed to revision r2: a0, b0, c0/);
});

test('status.batch counts batches from 1 for people, like the CLI; kubectl get shows it as Batch', async () => {
  const cd = fakeCd({ replicas: 3, strategy: { type: 'InPlaceIfPossible', beta: false, batchSize: 1, needConfirm: true, pauseSeconds: 0, drainSeconds: 3 } });
  const out = run({ order: fakeOrder({}), cd, pods: podsAt('r1') });
  assert.equal(out.status.currentBatch, 0);
  assert.equal(out.status.batch, '1/3');
  const { ReleaseOrderKind } = await import('../../api/index.js');
  assert.equal(ReleaseOrderKind.printerColumns.find((c) => c.name === 'Batch')?.jsonPath, '.status.batch');
});

test('beta with one unit plans a one-pod beta batch and says so in a Warning event', () => {
  const strategy = { type: 'InPlaceIfPossible' as const, beta: true, batchSize: 2, needConfirm: true, pauseSeconds: 0, drainSeconds: 3 };
  const one = fakeCd({ replicas: 3, topology: { unitKey: 'zone', units: ['a'] }, strategy });
  const pods = ['a0', 'a1', 'a2'].map((n) => fakePod({ name: n, unit: 'a', revision: 'r1', gate: 'True' }));
  const out = run({ order: fakeOrder({}), cd: one, pods });
  const warning = out.events.find((e) => e.reason === 'BetaInOneUnit');
  assert.equal(warning?.type, 'Warning');
  assert.match(warning.message, /topology\.units lists one unit \(a\): the beta batch is a single pod of a/);
  assert.deepEqual(out.status.batches![0]!.pods, ['a0']);
  // Three units: no warning.
  assert.equal(run({ order: fakeOrder({}), cd: fakeCd({ replicas: 3, strategy }), pods: podsAt('r1') }).events.some((e) => e.reason === 'BetaInOneUnit'), false);
});

test('a rollback batch without progress is Stalled too; rolling it back clears it', () => {
  const cd = fakeCd({ replicas: 3, strategy: { type: 'InPlaceIfPossible', beta: false, batchSize: 3, needConfirm: false, pauseSeconds: 0, drainSeconds: 2, progressDeadlineSeconds: 8 } });
  const started = run({ order: fakeOrder({}), cd, pods: podsAt('r1') }).status;
  const order = withStatus(fakeOrder({ spec: { rollback: true } }), started);
  // Pods on r2, drained, not going back.
  const stuck = ['a0', 'b0', 'c0'].map((n) => fakePod({ name: n, unit: n[0]!, revision: 'r2', gate: 'False', ready: false, drainStarted: t0.toISOString() }));
  let out = run({ order, cd, pods: stuck, now: later(1) });
  assert.equal(out.status.phase, 'RollingBack');
  out = run({ order: withStatus(order, out.status), cd, pods: stuck, now: later(12) });
  const c = condition(out.status, 'Stalled');
  assert.equal(c?.status, 'True');
  assert.equal(c?.reason, 'DrainedPodsNotChanged');
  assert.match(c.message, /waiting to be changed to revision r1: a0, b0, c0/);
  const back = run({ order: withStatus(order, out.status), cd, pods: podsAt('r1'), now: later(13) });
  assert.equal(back.status.phase, 'RolledBack');
  assert.equal(condition(back.status, 'Stalled')?.status, 'False');
});
