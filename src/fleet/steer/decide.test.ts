import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FleetDelivery, FleetDeliveryStatusT } from '../../api/index.js';
import { PlinthError } from '../../errors/index.js';
import { decideConfirm, decidePause, decideRollback } from './decide.js';
import { historyPatch } from './record.js';
import { fleetHistoryEntry } from '../delivery/history.js';

const fd = (status: FleetDeliveryStatusT, spec: Partial<FleetDelivery['spec']> = {}): FleetDelivery =>
  ({
    apiVersion: 'fleet.plinth.dev/v1alpha1',
    kind: 'FleetDelivery',
    metadata: { name: 'app', namespace: 'ns', resourceVersion: '7' },
    spec: { sourceRef: { name: 's' }, path: '', placement: { clusterSelector: {} }, prune: true, drift: 'Correct', suspend: false, paused: false, confirmedWaves: [], ...spec },
    status,
  });

const refused = (fn: () => unknown, re: RegExp): void => {
  assert.throws(fn, (err: unknown) => err instanceof PlinthError && err.code === 'FLEET_ACTION_REFUSED' && re.test(err.message));
};

test('confirm adds the waiting wave, and is refused when nothing waits', () => {
  const waiting = fd({ phase: 'WaitingForConfirm', revision: 'c2', waves: [{ name: 'a', phase: 'Succeeded' }, { name: 'b', phase: 'WaitingForConfirm' }] }, { confirmedWaves: ['x'] });
  assert.deepEqual(decideConfirm(waiting, 'app').set, { confirmedWaves: ['x', 'b'] });
  refused(() => decideConfirm(fd({ phase: 'Progressing', waves: [{ name: 'a', phase: 'Progressing' }] }), 'app'), /no wave waits/);
  assert.equal(decideConfirm(fd(waiting.status!, { confirmedWaves: ['b'] }), 'app').set, undefined);
});

test('pause and resume flip spec.paused, or do nothing', () => {
  assert.deepEqual(decidePause(fd({}), true).set, { paused: true });
  assert.equal(decidePause(fd({}), false).set, undefined);
  assert.deepEqual(decidePause(fd({}, { paused: true }), false).set, { paused: false });
});

test('rollback needs a previous or known revision and something to undo', () => {
  refused(() => decideRollback(fd({ phase: 'Progressing', revision: 'c1', digest: 'd1' }), undefined, 'now'), /no previous revision/);
  const two = fd({ phase: 'Succeeded', revision: 'c2', digest: 'd2', previousRevision: 'c1', previousDigest: 'd1', revisions: [{ revision: 'c1', digest: 'd1' }, { revision: 'c2', digest: 'd2' }] });
  assert.deepEqual(decideRollback(two, undefined, 'T').set, { rollback: { requestedAt: 'T' } });
  assert.deepEqual(decideRollback(two, 'c1', 'T').set, { rollback: { toRevision: 'c1', requestedAt: 'T' } });
  refused(() => decideRollback(two, 'c9', 'T'), /not one it ran/);
  refused(() => decideRollback(two, 'c2', 'T'), /is the one it rolls out or runs/);
});

test('the history patch appends, guarded by the resourceVersion, and replaces a full history with a bounded one', () => {
  const e = fleetHistoryEntry(new Date(), 'alice', 'Confirm');
  assert.deepEqual(historyPatch(fd({ history: [] }), e, new Date()), [
    { op: 'test', path: '/metadata/resourceVersion', value: '7' },
    { op: 'add', path: '/status/history/-', value: e },
  ]);
  const full = fd({ history: Array.from({ length: 200 }, () => e) });
  const p = historyPatch(full, e, new Date());
  assert.equal(p[1]!.op, 'replace');
  assert.equal((p[1]!.value as unknown[]).length, 200);
});
