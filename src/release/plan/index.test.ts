import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as plan from './index.js';

test('the package exports every planner', () => {
  const expected = [
    'activeBlackout', 'analysisOutcome', 'appendHistory', 'blackoutProblems', 'canonicalJson', 'checkParameters',
    'compareStrings', 'deletionOrder', 'evaluateSample', 'formatProblems', 'historyEntry', 'inPlaceChange',
    'isPlinthKey', 'isValidImageReference', 'maxUnavailablePerUnit', 'nextAllowedStart', 'parseImageReference',
    'planBatches', 'podInfo', 'quantitySign', 'resolveBatchSize', 'scalePlan', 'summarizeReleaseOrder',
    'templateHash', 'topologyProblems', 'unitTargets', 'withHistory',
  ];
  for (const name of expected) assert.equal(typeof (plan as Record<string, unknown>)[name], 'function', name);
  assert.equal(plan.SYSTEM_ACTOR, 'system:plinth');
  assert.equal(plan.HISTORY_LIMIT, 500);
  assert.equal(plan.CRON_FIRE_BUDGET, 5000);
});

test('formatProblems joins problems on one line', () => {
  assert.equal(plan.formatProblems([]), '');
  assert.equal(
    plan.formatProblems([{ field: 'spec.a', message: 'bad' }, { field: 'spec.b', message: 'worse' }]),
    'spec.a: bad; spec.b: worse',
  );
});

test('the planners work together: targets, pods, batches', () => {
  const spec = { replicas: 5, topology: { unitKey: 'zone', units: ['a', 'b'] } };
  const targets = plan.unitTargets(spec);
  const names = [...targets].flatMap(([unit, n]) => Array.from({ length: n }, (_, i) => ({ name: `${unit}${i}`, unit })));
  const batches = plan.planBatches({ pods: names, units: spec.topology.units, beta: true, batchSize: '40%', replicas: spec.replicas });
  assert.deepEqual(batches.map((b) => b.pods), [['a0', 'b0'], ['a1', 'b1'], ['a2']]);
});
