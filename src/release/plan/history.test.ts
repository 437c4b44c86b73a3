import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReleaseOrderStatusT } from '../../api/index.js';
import { rfc3339 } from '../../kube/clock.js';
import { appendHistory, historyEntry, summarizeReleaseOrder, SYSTEM_ACTOR, withHistory, type HistoryEntryT, type ReleaseOrderLike } from './history.js';

const t0 = new Date('2024-03-08T14:00:00.123Z');

test('rfc3339 writes whole seconds in UTC', () => {
  assert.equal(rfc3339(t0), '2024-03-08T14:00:00Z');
  assert.equal(rfc3339(new Date('2024-03-08T14:00:00Z')), '2024-03-08T14:00:00Z');
});

test('historyEntry stamps the time and keeps only the given details', () => {
  assert.deepEqual(historyEntry(t0, 'alice', 'Confirmed', { batch: 1, message: 'looks good' }), {
    at: '2024-03-08T14:00:00Z', by: 'alice', action: 'Confirmed', batch: 1, message: 'looks good',
  });
  const bare = historyEntry(t0, SYSTEM_ACTOR, 'Created');
  assert.deepEqual(bare, { at: '2024-03-08T14:00:00Z', by: 'system:plinth', action: 'Created' });
  assert.ok(!('batch' in bare) && !('message' in bare));
  assert.equal(historyEntry(t0, 'bob', 'Confirmed', { batch: 0 }).batch, 0);
});

test('appendHistory appends without changing its input', () => {
  const first = historyEntry(t0, SYSTEM_ACTOR, 'Created');
  const history: readonly HistoryEntryT[] = Object.freeze([first]);
  const next = appendHistory(history, historyEntry(t0, 'alice', 'Confirmed', { batch: 0 }));
  assert.equal(history.length, 1);
  assert.deepEqual(next.map((e) => e.action), ['Created', 'Confirmed']);
  assert.deepEqual(appendHistory(undefined, first), [first]);
});

test('appendHistory does not record the same decision twice in a row', () => {
  const a = historyEntry(t0, SYSTEM_ACTOR, 'BatchStarted', { batch: 1 });
  const again = historyEntry(new Date(t0.getTime() + 5000), SYSTEM_ACTOR, 'BatchStarted', { batch: 1 });
  const h = appendHistory([a], again);
  assert.equal(h.length, 1);
  assert.equal(h[0]!.at, a.at, 'the first record is kept');
  assert.equal(appendHistory([a], historyEntry(t0, SYSTEM_ACTOR, 'BatchStarted', { batch: 2 })).length, 2, 'another batch is another decision');
  assert.equal(appendHistory([a], historyEntry(t0, 'alice', 'BatchStarted', { batch: 1 })).length, 2, 'another actor is another decision');
  const paused = historyEntry(t0, 'alice', 'Paused');
  const resumed = historyEntry(t0, 'alice', 'Resumed');
  assert.equal(appendHistory(appendHistory([paused], resumed), paused).length, 3, 'only consecutive repeats are dropped');
});

test('appendHistory keeps the first entry and the latest when over the limit', () => {
  let h: HistoryEntryT[] = [];
  for (let i = 0; i < 10; i++) h = appendHistory(h, historyEntry(t0, SYSTEM_ACTOR, `A${i}`), 4);
  assert.deepEqual(h.map((e) => e.action), ['A0', 'A7', 'A8', 'A9']);
  const tiny = appendHistory(appendHistory([historyEntry(t0, 'x', 'A')], historyEntry(t0, 'x', 'B'), 0), historyEntry(t0, 'x', 'C'), 0);
  assert.deepEqual(tiny.map((e) => e.action), ['A', 'C'], 'a limit below 2 counts as 2');
});

test('withHistory returns a new status and leaves the old one alone', () => {
  const status: ReleaseOrderStatusT = { phase: 'Progressing', currentBatch: 0 };
  const next = withHistory(status, historyEntry(t0, SYSTEM_ACTOR, 'Created'));
  assert.equal(status.history, undefined);
  assert.deepEqual(next, { phase: 'Progressing', currentBatch: 0, history: [{ at: '2024-03-08T14:00:00Z', by: 'system:plinth', action: 'Created' }] });
  assert.equal(withHistory(undefined, historyEntry(t0, 'a', 'B')).history?.length, 1);
});

function order(status?: ReleaseOrderStatusT): ReleaseOrderLike {
  return { metadata: { name: 'ro-7' }, spec: { target: { kind: 'CellDeployment', name: 'web' }, fromRevision: 'abc', toRevision: 'def' }, ...(status ? { status } : {}) };
}
const batches = (phases: string[]): NonNullable<ReleaseOrderStatusT['batches']> =>
  phases.map((phase, index) => ({ index, pods: [`p${index}a`, `p${index}b`, `p${index}c`], phase: phase as 'Pending' }));

test('summary of a new order', () => {
  assert.equal(summarizeReleaseOrder(order()), 'ro-7 web abc→def: Pending, not planned yet');
  const noFrom = { ...order(), spec: { ...order().spec, fromRevision: '' }, metadata: {} };
  assert.equal(summarizeReleaseOrder(noFrom), '(unnamed) web (none)→def: Pending, not planned yet');
});

test('summary while progressing and waiting for confirmation', () => {
  const running = order({ phase: 'Progressing', currentBatch: 1, batches: batches(['Succeeded', 'Running', 'Pending', 'Pending']) });
  assert.equal(summarizeReleaseOrder(running), 'ro-7 web abc→def: Progressing, batch 2/4 Running, 3/12 pods updated');
  const waiting = order({
    phase: 'WaitingForConfirm',
    currentBatch: 0,
    batches: batches(['WaitingForConfirm', 'Pending']),
    history: [historyEntry(new Date('2024-03-08T13:58:00Z'), SYSTEM_ACTOR, 'BatchSucceeded', { batch: 0 })],
  });
  assert.equal(
    summarizeReleaseOrder(waiting, t0),
    'ro-7 web abc→def: WaitingForConfirm, batch 1/2 waiting for confirmation, 0/6 pods updated; last: BatchSucceeded by system:plinth 2m ago',
  );
  assert.match(summarizeReleaseOrder(waiting), /; last: BatchSucceeded by system:plinth$/, 'no age without now');
});

test('summary finds the current batch when currentBatch is not set', () => {
  const s = order({ phase: 'Paused', batches: batches(['Succeeded', 'Succeeded', 'Pending']) });
  assert.equal(summarizeReleaseOrder(s), 'ro-7 web abc→def: Paused, batch 3/3 Pending, 6/9 pods updated');
});

test('summary when completed', () => {
  const s = order({ phase: 'Completed', currentBatch: 2, batches: batches(['Succeeded', 'Succeeded', 'Succeeded']) });
  assert.equal(summarizeReleaseOrder(s), 'ro-7 web abc→def: Completed, 3/3 batches done, 9/9 pods updated');
});

test('summary of blocked and failed orders gives the reason on one line', () => {
  const blocked = order({
    phase: 'Blocked',
    batches: batches(['Pending']),
    checks: [
      { name: 'params', kind: 'pre', result: 'Passed', at: '2024-03-08T13:00:00Z' },
      { name: 'blackout', kind: 'pre', result: 'Blocked', message: 'window "nights"\nuntil 06:00', at: '2024-03-08T13:00:00Z' },
    ],
  });
  assert.equal(summarizeReleaseOrder(blocked), 'ro-7 web abc→def: Blocked, batch 1/1 Pending, 0/3 pods updated, blackout: window "nights" until 06:00');
  const failed = order({
    phase: 'Failed',
    currentBatch: 1,
    batches: batches(['Succeeded', 'Failed']),
    checks: [{ name: 'errors', kind: 'post', batch: 1, result: 'Failed', at: '2024-03-08T13:00:00Z' }],
  });
  assert.match(summarizeReleaseOrder(failed), /batch 2\/2 Failed, 3\/6 pods updated, errors failed$/);
  const long = order({ phase: 'Failed', history: [historyEntry(t0, SYSTEM_ACTOR, 'Failed', { message: 'x'.repeat(300) })] });
  const line = summarizeReleaseOrder(long, t0);
  assert.ok(line.includes(`${'x'.repeat(119)}…`) && !line.includes('x'.repeat(120)), 'long messages are cut');
  assert.match(line, /; last: Failed by system:plinth just now$/);
});

test('summary ages', () => {
  const at = (iso: string): string => summarizeReleaseOrder(order({ phase: 'Progressing', history: [historyEntry(new Date(iso), 'a', 'X')] }), t0);
  assert.match(at('2024-03-08T13:59:15Z'), /45s ago$/);
  assert.match(at('2024-03-08T11:00:00Z'), /3h ago$/);
  assert.match(at('2024-03-06T14:00:00Z'), /2d ago$/);
  assert.match(summarizeReleaseOrder(order({ phase: 'Progressing', history: [{ at: 'garbage', by: 'a', action: 'X' }] }), t0), /last: X by a$/);
});
