import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runSteps } from './import.js';
import { NEEDS, STEPS, type Step } from './order.js';

test('every need of a step comes earlier in STEPS (applying them one by one also works)', () => {
  for (const step of STEPS) for (const need of NEEDS[step]) assert.ok(STEPS.indexOf(need) < STEPS.indexOf(step), `${step} needs ${need}`);
  assert.deepEqual([...NEEDS.owned].sort(), STEPS.filter((s) => s !== 'owned').sort(), 'owned objects wait for everything');
  for (const s of ['rbac', 'config', 'claims', 'services', 'custom'] as const) assert.ok(NEEDS.workloads.includes(s), `workloads need ${s}`);
});

test('runSteps starts a step only after its needs finished, and independent steps at the same time', async () => {
  const finished = new Set<Step>();
  const running = new Set<Step>();
  let overlap = false;
  await runSteps(async (step) => {
    for (const need of NEEDS[step]) assert.ok(finished.has(need), `${step} started before ${need} finished`);
    running.add(step);
    if (running.has('config') && running.has('services')) overlap = true;
    await new Promise((r) => setTimeout(r, step === 'services' ? 30 : 10));
    running.delete(step);
    finished.add(step);
  });
  assert.deepEqual([...finished].sort(), [...STEPS].sort());
  assert.ok(overlap, 'config and services ran at the same time');
});

test('runSteps: a failed step stops the steps that need it and its error is thrown', async () => {
  const ran: Step[] = [];
  await assert.rejects(
    runSteps(async (step) => {
      ran.push(step);
      if (step === 'services') throw new Error('services broke');
      await new Promise((r) => setTimeout(r, 5));
    }),
    /services broke/,
  );
  for (const s of ['workloads', 'policy', 'owned'] as const) assert.ok(!ran.includes(s), `${s} did not start`);
});
