import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReleasePlan } from '../../api/index.js';
import { PlinthError } from '../../errors/index.js';
import { decidePlanAction } from './plan-decide.js';

function plan(spec: Partial<ReleasePlan['spec']>, status: ReleasePlan['status']): ReleasePlan {
  return {
    apiVersion: 'apps.plinth.dev/v1alpha1',
    kind: 'ReleasePlan',
    metadata: { name: 'v2', namespace: 'prod' },
    spec: { apps: [{ name: 'a', kind: 'CellDeployment', images: [{ container: 'web', image: 'a:2' }] }], needConfirm: true, beta: false, confirmedStages: 0, paused: false, rollback: false, ...spec },
    status,
  };
}

const waiting = plan({}, {
  phase: 'WaitingForConfirm',
  currentStage: 1,
  stages: [{ index: 0, apps: ['a'], phase: 'Succeeded' }, { index: 1, apps: ['b', 'c'], phase: 'WaitingForConfirm' }],
  apps: [{ name: 'a', kind: 'CellDeployment', phase: 'Completed' }, { name: 'b', kind: 'Deployment', phase: 'Pending' }],
});

test('confirm sets confirmedStages to the waiting stage, and says when it starts', () => {
  assert.deepEqual(decidePlanAction(waiting, 'confirm', 'v2'), {
    set: { confirmedStages: 1 },
    stage: 1,
    message: 'confirmed stage 2 of 2 (b, c): spec.confirmedStages 0 → 1; it starts now',
  });
  const paused = { ...waiting, spec: { ...waiting.spec, paused: true } };
  assert.match(decidePlanAction(paused, 'confirm', 'v2').message, /starts once the plan is resumed/);
  assert.equal(decidePlanAction({ ...waiting, spec: { ...waiting.spec, confirmedStages: 1 } }, 'confirm', 'v2').set, undefined);
});

test('confirm is refused when nothing waits or the plan is finished, with what to do', () => {
  const running = plan({}, { ...waiting.status, phase: 'Progressing', stages: [{ index: 0, apps: ['a'], phase: 'Running' }] });
  assert.throws(() => decidePlanAction(running, 'confirm', 'v2 -n prod'), (e: unknown) => e instanceof PlinthError && e.code === 'RELEASE_PLAN_ACTION_REFUSED' && /no stage waits for confirmation/.test(e.message));
  assert.throws(() => decidePlanAction(plan({}, { phase: 'Completed' }), 'confirm', 'v2'), /the plan is Completed/);
  assert.throws(() => decidePlanAction(plan({ rollback: true }, waiting.status), 'confirm', 'v2'), /a rollback was requested/);
});

test('pause, resume and rollback: set once, then nothing to do; rollback names what returns', () => {
  assert.deepEqual(decidePlanAction(waiting, 'pause', 'v2').set, { paused: true });
  assert.equal(decidePlanAction(waiting, 'resume', 'v2').set, undefined);
  assert.throws(() => decidePlanAction(plan({}, { phase: 'RolledBack' }), 'pause', 'v2'), (e: unknown) => e instanceof PlinthError && /the plan is RolledBack/.test(e.message) && /only a plan in progress/.test(e.hint));
  const rb = decidePlanAction(waiting, 'rollback', 'v2');
  assert.deepEqual(rb.set, { rollback: true });
  assert.match(rb.message, /^rollback requested: a return to their images from before the plan/);
  assert.equal(decidePlanAction(plan({ rollback: true }, waiting.status), 'rollback', 'v2').set, undefined);
});
