import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import type { ReleaseOrder, ReleaseOrderStatusT } from '../../api/index.js';
import { fakeCd, fakeOrder, fakePod } from '../../../test/support/release-objects.js';
import type { CheckMoment, CheckVerdict } from './checks.js';
import { progress, verdictKey, type ProgressInput, type ProgressOutput } from './progress.js';

const t0 = new Date('2024-03-08T12:00:00Z');
const later = (s: number): Date => new Date(t0.getTime() + s * 1000);
const PASS: CheckVerdict = { result: 'Passed' };
const cd = fakeCd({ strategy: { type: 'BlueGreen', beta: true, batchSize: 1, needConfirm: false, pauseSeconds: 0, drainSeconds: 3, blueGreen: { activeService: 'web', scaleDownDelaySeconds: 30 } } });

/** Two pods per unit on `rev`, named with a prefix (blue b*, green g*). */
function set(prefix: string, rev: string): V1Pod[] {
  return ['a', 'b', 'c'].flatMap((u) => [0, 1].map((i) => fakePod({ name: `${prefix}${u}${i}`, unit: u, revision: rev, gate: 'True' })));
}

function run(order: ReleaseOrder, pods: V1Pod[], now = t0, asked: string[] = [], verdict: (c: CheckMoment) => CheckVerdict = () => PASS): ProgressOutput {
  const input: ProgressInput = { order, cd, pods, now, newer: undefined };
  const verdicts = new Map<string, CheckVerdict>();
  let out = progress(input);
  while (out.needs) {
    asked.push(`${out.needs.check}:${out.needs.batch}`);
    verdicts.set(verdictKey(out.needs.check, out.needs.batch), verdict(out.needs.check));
    out = progress({ ...input, verdicts });
  }
  return out;
}

const withStatus = (o: ReleaseOrder, status: ReleaseOrderStatusT): ReleaseOrder => ({ ...o, status });
const actions = (s: ReleaseOrderStatusT): string[] => (s.history ?? []).map((h) => h.action);

test('blue-green: one batch; pin, green set, checks, switch, delay, Completed when the blue set is gone', () => {
  const blue = set('b', 'r1');
  const green = set('g', 'r2');
  const asked: string[] = [];
  let out = run(fakeOrder({}), blue, t0, asked);
  assert.equal(out.status.batches!.length, 1, 'beta and batchSize do not apply: one batch');
  assert.equal(out.status.batches![0]!.pods.length, 6);
  assert.deepEqual(asked, ['before:0', 'pin:0'], 'the Service is pinned to the blue revision before the batch starts');
  assert.equal(out.status.batches![0]!.phase, 'Running');
  let order = withStatus(fakeOrder({}), out.status);

  // Half the green set: still running; nothing asked.
  out = run(order, [...blue, ...green.slice(0, 3)], t0, (asked.length = 0, asked));
  assert.deepEqual(asked, []);
  assert.equal(out.status.batches![0]!.phase, 'Running');

  // The full green set serves: the checks, then the switch; the blue set stays for the delay.
  out = run(order, [...blue, ...green], later(5), asked);
  assert.deepEqual(asked, ['after:0', 'switch:0']);
  assert.equal(out.status.batches![0]!.phase, 'Succeeded');
  assert.equal(out.status.phase, 'Progressing');
  assert.equal(out.requeueAfterMs, 30_000);
  assert.deepEqual(actions(out.status).slice(-2), ['Switched', 'BatchSucceeded']);
  order = withStatus(fakeOrder({}), out.status);
  assert.equal(run(order, [...blue, ...green], later(20)).requeueAfterMs, 15_000);
  assert.equal(run(order, green, later(40)).status.phase, 'Completed');
});

test('blue-green: a failed switch pauses; a rollback completes the blue set, switches back, then waits for the green set to go', () => {
  const blue = set('b', 'r1');
  const green = set('g', 'r2');
  const planned = withStatus(fakeOrder({}), run(fakeOrder({}), blue).status);
  const failed = run(planned, [...blue, ...green], t0, [], (c) => (c === 'switch' ? { result: 'Failed', message: 'Service ns/web does not exist', onFailure: 'Pause' } : PASS));
  assert.equal(failed.status.phase, 'Paused');
  assert.equal(failed.pauseOrder, true);

  const switched = withStatus(fakeOrder({}), run(planned, [...blue, ...green]).status);
  const back = withStatus(fakeOrder({ spec: { rollback: true } }), switched.status!);
  // The blue set was already partly removed: wait for the CellDeployment controller to complete it.
  const asked: string[] = [];
  let out = run(back, [...blue.slice(0, 4), ...green], t0, asked);
  assert.equal(out.status.phase, 'RollingBack');
  assert.deepEqual(asked, []);
  out = run(back, [...blue, ...green], t0, asked);
  assert.deepEqual(asked, ['switchBack:0']);
  assert.ok(actions(out.status).includes('SwitchedBack'));
  assert.equal(out.status.phase, 'RollingBack', 'the green set is still there');
  const back2 = withStatus(back, out.status);
  out = run(back2, [...blue, ...green], t0, (asked.length = 0, asked));
  assert.deepEqual(asked, [], 'switched back once');
  out = run(back2, blue);
  assert.equal(out.status.phase, 'RolledBack');
  assert.equal(out.status.batches![0]!.phase, 'RolledBack');
});

test('blue-green: a green pod stuck Pending asks the during-batch check, whose failure fails the batch', () => {
  const blue = set('b', 'r1');
  let out = run(fakeOrder({}), blue);
  const order = withStatus(fakeOrder({}), out.status);
  const green = set('g', 'r2');
  const stuck = green[0]!;
  stuck.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] };
  const asked: string[] = [];
  const failed: CheckVerdict = { result: 'Failed', message: 'pods stuck Pending', onFailure: 'Pause', checks: [] };
  out = run(order, [...blue, ...green], later(400), asked, (c) => (c === 'during' ? failed : PASS));
  assert.deepEqual(asked, ['during:0'], 'the green pod is judged although the plan names only the blue pods');
  assert.equal(out.status.batches![0]!.phase, 'Failed');
});

test('podsUnderChange: the plan for rolling releases, the green set for blue-green', async () => {
  const { podsUnderChange } = await import('./bluegreen.js');
  const pods = [...set('b', 'r1'), ...set('g', 'r2')];
  const order = fakeOrder({});
  assert.deepEqual(podsUnderChange(fakeCd(), order, ['ba0'], pods), ['ba0']);
  assert.deepEqual(podsUnderChange(cd, order, ['ba0'], pods), ['ga0', 'ga1', 'gb0', 'gb1', 'gc0', 'gc1']);
});
