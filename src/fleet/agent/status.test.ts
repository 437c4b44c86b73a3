import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentRecord } from './record.js';
import { deliveryStatus, onlyProgressMessage } from './status.js';

const rec = (over: Partial<AgentRecord> = {}): AgentRecord => ({
  delivery: 'plinth-member-a/apps.web',
  sequence: 3,
  revision: 'r3',
  digest: 'sha256:3',
  overrides: [],
  prune: true,
  drift: 'Correct',
  phase: 'Applied',
  inventory: [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'web', name: 'a' }],
  appliedSequence: 3,
  appliedRevision: 'r3',
  appliedDigest: 'sha256:3',
  appliedAt: '2026-12-07T20:00:00Z',
  driftCounts: { detected: 2, corrected: 2, lastAt: '2026-12-07T20:01:00Z' },
  ...over,
});
const now = new Date('2026-12-07T21:00:00Z');

test('an applied, healthy record: applied fields, Healthy, conditions True', () => {
  const s = deliveryStatus(undefined, { generation: 4, record: rec(), health: { health: 'Healthy' }, drift: rec().driftCounts, driftedNow: [] }, now);
  assert.equal(s.observedGeneration, 4);
  assert.equal(s.appliedSequence, 3);
  assert.equal(s.health, 'Healthy');
  assert.equal(s.objects, 1);
  assert.deepEqual(s.drift, { detected: 2, corrected: 2, lastAt: '2026-12-07T20:01:00Z' });
  assert.deepEqual(s.conditions?.map((c) => `${c.type}=${c.status}`), ['Applied=True', 'Ready=True', 'Drifted=False']);
});

test('failures and errors make it Degraded; a failed newer sequence keeps the last applied one', () => {
  const failed = rec({ sequence: 4, phase: 'Failed', failures: [{ kind: 'Deployment', namespace: 'web', name: 'api', message: 'invalid' }] });
  const s = deliveryStatus(undefined, { record: failed, health: { health: 'Healthy' }, drift: undefined, driftedNow: [] }, now);
  assert.equal(s.health, 'Degraded');
  assert.equal(s.appliedSequence, 3);
  assert.equal(s.failures?.length, 1);
  assert.equal(s.conditions?.find((c) => c.type === 'Applied')?.reason, 'ObjectsFailed');
  const e = deliveryStatus(s, { record: rec(), health: { health: 'Healthy' }, drift: undefined, driftedNow: [], error: 'fetching artifact failed' }, now);
  assert.equal(e.health, 'Degraded');
  assert.match(e.conditions!.find((c) => c.type === 'Ready')!.message, /fetching artifact failed/);
});

test('drift reported and a stale sequence show in conditions; transition times stay when nothing changes', () => {
  const s = deliveryStatus(undefined, { record: rec(), health: { health: 'Healthy' }, drift: rec().driftCounts, driftedNow: ['ConfigMap/web/a'], staleSequence: 1 }, now);
  assert.deepEqual(s.drift?.objects, ['ConfigMap/web/a']);
  assert.equal(s.conditions?.find((c) => c.type === 'Drifted')?.status, 'True');
  assert.equal(s.conditions?.find((c) => c.type === 'Applied')?.reason, 'StaleSequenceIgnored');
  const later = deliveryStatus(s, { record: rec(), health: { health: 'Healthy' }, drift: rec().driftCounts, driftedNow: ['ConfigMap/web/a'], staleSequence: 1 }, new Date('2026-12-07T22:00:00Z'));
  assert.deepEqual(later.conditions, s.conditions);
});

test('onlyProgressMessage: a rollout counting replicas up is not a new status; leaving Progressing or a new revision is', () => {
  const input = (message: string, health: 'Progressing' | 'Healthy' = 'Progressing', r = rec()): Parameters<typeof deliveryStatus>[1] => ({
    generation: 4,
    record: r,
    health: { health, message },
    drift: r.driftCounts,
    driftedNow: [],
  });
  const first = deliveryStatus(undefined, input('0 of 2 replicas updated'), now);
  const step = deliveryStatus(first, input('1 of 2 replicas updated'), new Date(now.getTime() + 1000));
  assert.equal(onlyProgressMessage(first, step), true, 'only the Ready message moved');
  const healthy = deliveryStatus(first, input('', 'Healthy'), now);
  assert.equal(onlyProgressMessage(first, healthy), false, 'Healthy is written');
  const next = deliveryStatus(first, input('0 of 2 replicas updated', 'Progressing', rec({ sequence: 4, appliedSequence: 4, appliedRevision: 'r4' })), now);
  assert.equal(onlyProgressMessage(first, next), false, 'a new applied revision is written');
  assert.equal(onlyProgressMessage(undefined, first), false, 'the first status is written');
});
