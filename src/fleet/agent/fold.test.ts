import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdStatusWrite, type HoldInput } from './fold.js';
import type { AgentRecord } from './record.js';

const T = Date.parse('2026-12-08T00:00:00Z');
const record = (over: Partial<AgentRecord> = {}): AgentRecord =>
  ({
    delivery: 'plinth-member-m1/apps.web',
    sequence: 3,
    revision: 'r3',
    digest: 'sha256:x',
    overrides: [],
    prune: true,
    drift: 'Correct',
    phase: 'Applied',
    inventory: [],
    driftCounts: { detected: 0, corrected: 0 },
    appliedSequence: 3,
    appliedRevision: 'r3',
    appliedDigest: 'sha256:x',
    appliedAt: '2026-12-08T00:00:00Z',
    ...over,
  });
const input = (over: Partial<HoldInput> = {}): HoldInput => ({ prev: { appliedSequence: 2, appliedDigest: 'sha256:w' }, record: record(), health: 'Progressing', urgent: false, now: T + 1_000, ...over });

test('a freshly applied sequence still rolling out: the write waits for health', () => {
  assert.equal(holdStatusWrite(input()), true);
  assert.equal(holdStatusWrite(input({ prev: undefined })), true, 'the first status ever waits too');
});

test('written at once: healthy, degraded, urgent, failed, not applied, or already on the hub', () => {
  assert.equal(holdStatusWrite(input({ health: 'Healthy' })), false);
  assert.equal(holdStatusWrite(input({ health: 'Degraded' })), false);
  assert.equal(holdStatusWrite(input({ urgent: true })), false);
  assert.equal(holdStatusWrite(input({ record: record({ failures: [{ kind: 'ConfigMap', name: 'a', message: 'x' }] }) })), false);
  assert.equal(holdStatusWrite(input({ record: record({ phase: 'Applying' }) })), false);
  assert.equal(holdStatusWrite(input({ record: undefined })), false);
  assert.equal(holdStatusWrite(input({ prev: { appliedSequence: 3, appliedDigest: 'sha256:x' } })), false);
});

test('a rollout slower than the hold is reported Progressing when the hold ends', () => {
  assert.equal(holdStatusWrite(input({ now: T + 9_000 })), true);
  assert.equal(holdStatusWrite(input({ now: T + 10_000 })), false);
  assert.equal(holdStatusWrite(input({ now: T + 3_000, holdMs: 2_000 })), false);
});
