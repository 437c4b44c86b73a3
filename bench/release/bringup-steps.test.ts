import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summariseSteps, type PodSteps } from './bringup-steps.js';

test('bring-up steps: creation span and hop quantiles relative to the start', () => {
  const pods = new Map<string, PodSteps>([
    ['a', { created: 1000, bound: 1100, started: 1300, ready: 1300 }],
    ['b', { created: 3000, bound: 3500, started: 3600, ready: 4600 }],
    ['c', { created: 2000 }],
  ]);
  const text = summariseSteps('x', pods, 0);
  assert.match(text, /3 pods created from 1\.00 s to 3\.00 s, half of them by 2\.00 s; last Ready at 4\.60 s/);
  assert.match(text, /created -> bound\s+2\s+0\.50\s+0\.50\s+0\.50/);
  assert.match(text, /started -> ready\s+2\s+1\.00\s+1\.00\s+1\.00/);
});
