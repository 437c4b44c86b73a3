import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { fakePod } from '../../../../test/support/release-objects.js';
import { planUpdates, type UpdateInput } from './update-plan.js';
import { KEYS } from '../../keys.js';

const now = new Date('2024-01-01T00:01:00.000Z');
const long = '2024-01-01T00:00:00.000Z';
const targets = new Map([['a', 3], ['b', 3]]);

function input(pods: V1Pod[], active: string[], o: Partial<UpdateInput> = {}): UpdateInput {
  return { pods, view: { active: new Set(active), target: 'r2', paused: false }, targets, inTraffic: () => false, drainSeconds: 3, now, maxDraining: Infinity, ...o };
}
const kinds = (plan: ReturnType<typeof planUpdates>): string[] => plan.actions.map((a) => `${a.kind}:${a.pod.metadata!.name}`).sort();
const unit = (u: string, n: number, extra: Partial<Parameters<typeof fakePod>[0]> = {}): V1Pod[] =>
  Array.from({ length: n }, (_, i) => fakePod({ name: `${u}${i}`, unit: u, gate: 'True', ...extra }));

test('the active pods not on the target drain; the others are left alone', () => {
  const pods = [...unit('a', 3), ...unit('b', 3)];
  assert.deepEqual(kinds(planUpdates(input(pods, ['a0', 'b0']))), ['drain:a0', 'drain:b0']);
});

test('drained and out of traffic for drainSeconds: change; still listed: wait', () => {
  const drained = fakePod({ name: 'a0', unit: 'a', gate: 'False', ready: false, drainStarted: long });
  const pods = [drained, ...unit('a', 3).slice(1), ...unit('b', 3)];
  assert.deepEqual(kinds(planUpdates(input(pods, ['a0']))), ['change:a0']);
  const listed = planUpdates(input(pods, ['a0'], { inTraffic: (p) => p.metadata!.name === 'a0' }));
  assert.deepEqual(kinds(listed), []);
  const recent = fakePod({ name: 'a0', unit: 'a', gate: 'False', ready: false, drainStarted: '2024-01-01T00:00:59.000Z' });
  const timer = planUpdates(input([recent, ...unit('a', 3).slice(1)], ['a0']));
  assert.deepEqual(kinds(timer), []);
  assert.equal(timer.waitMs, 2000);
});

test('capacity guard: a unit keeps target minus its pods in the batch available', () => {
  // Unit a: target 3, one pod already unavailable for another reason, two pods of a in the batch.
  const pods = [fakePod({ name: 'a0', unit: 'a', gate: 'True' }), fakePod({ name: 'a1', unit: 'a', gate: 'True' }), fakePod({ name: 'a2', unit: 'a', gate: 'True', ready: false }), ...unit('b', 3)];
  const plan = planUpdates(input(pods, ['a0', 'a1']));
  // available 2, floor 3 - 2 = 1: only one more may go.
  assert.deepEqual(kinds(plan), ['drain:a0']);
  assert.match(plan.waiting.join(), /unit a: 1 pod\(s\) wait for capacity/);
});

test('a pod the controller drained counts as unavailable before the kubelet catches up', () => {
  // Unit a, target 3: a0 drained (its Ready still True), a1 serving, a2 not ready; a0 and a1 in the batch.
  const pods = [
    fakePod({ name: 'a0', unit: 'a', gate: 'False', drainStarted: '2024-01-01T00:00:59.500Z' }),
    fakePod({ name: 'a1', unit: 'a', gate: 'True' }),
    fakePod({ name: 'a2', unit: 'a', gate: 'True', ready: false }),
  ];
  // Available: a1 only. Taking a1 out would leave 0 < 3 - 2. (Counting a0 as Ready would allow it.)
  assert.deepEqual(kinds(planUpdates(input(pods, ['a0', 'a1']))), []);
});

test('paused: no pod starts; a pod already draining finishes its change', () => {
  const drained = fakePod({ name: 'a0', unit: 'a', gate: 'False', ready: false, drainStarted: long });
  const pods = [drained, ...unit('a', 3).slice(1)];
  const plan = planUpdates(input(pods, ['a0', 'a1'], { view: { active: new Set(['a0', 'a1']), target: 'r2', paused: true } }));
  assert.deepEqual(kinds(plan), ['change:a0']);
  assert.match(plan.waiting.join(), /paused/);
});

test('admit: pods on the target with ready containers, out of traffic or draining, go (back) in', () => {
  const pods = [
    fakePod({ name: 'new', unit: 'a', revision: 'r2', ready: false }), // created, gate never set
    fakePod({ name: 'done', unit: 'a', revision: 'r2', gate: 'False', ready: false, drainStarted: long }), // changed in place
    fakePod({ name: 'restarting', unit: 'a', revision: 'r2', gate: 'False', ready: false, drainStarted: long, image: 'web:2', runningImage: 'web:1' }),
    fakePod({ name: 'superseded', unit: 'b', revision: 'r1', gate: 'False', ready: false, drainStarted: long }), // not active any more
  ];
  assert.deepEqual(kinds(planUpdates(input(pods, ['done', 'restarting']))), ['admit:done', 'admit:new', 'admit:superseded']);
});

test('pods the scale step takes away are neither changed nor admitted; the sweep is bounded', () => {
  const pods = [...unit('a', 3), fakePod({ name: 'x', unit: 'a', gate: 'False', ready: false, drainStarted: long })];
  assert.deepEqual(kinds(planUpdates(input(pods, ['a0', 'x'], { leaving: new Set(['x']) }))), ['drain:a0']);
  const six = [...unit('a', 3), ...unit('b', 3)];
  assert.equal(planUpdates(input(six, ['a0', 'a1', 'a2', 'b0', 'b1', 'b2'], { maxDraining: 2, targets: new Map([['a', 0], ['b', 0]]) })).actions.length, 2);
});

test('a pod another controller holds out of traffic (a SidecarSet upgrade) is not admitted by the CellDeployment', () => {
  const held = fakePod({ name: 'a0', unit: 'a', gate: 'False', ready: false, drainStarted: long });
  held.metadata!.annotations![KEYS.heldBy] = 'sidecarset/mesh';
  const free = fakePod({ name: 'a1', unit: 'a', gate: 'False', ready: false, drainStarted: long });
  assert.deepEqual(kinds(planUpdates(input([held, free], []))), ['admit:a1']);
});
