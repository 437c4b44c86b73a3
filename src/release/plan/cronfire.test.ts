import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cronRunEnd, latestFire } from './cronfire.js';

const at = (iso: string): Date => new Date(iso);
const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());
const MIN = 60_000;

test('latestFire: the fire time at or before now', () => {
  assert.equal(iso(latestFire('0 22 * * *', 'Asia/Shanghai', at('2024-03-01T14:00:00Z'), { left: 100 })), '2024-03-01T14:00:00.000Z', 'a fire at now counts');
  assert.equal(iso(latestFire('0 22 * * *', 'Asia/Shanghai', at('2024-03-01T13:59:59Z'), { left: 100 })), '2024-02-29T14:00:00.000Z');
});

test('latestFire: DST gap and overlap in New York', () => {
  assert.equal(iso(latestFire('30 2 * * *', 'America/New_York', at('2024-03-10T12:00:00Z'), { left: 100 })), '2024-03-10T07:30:00.000Z');
  assert.equal(iso(latestFire('30 1 * * *', 'America/New_York', at('2024-11-03T07:00:00Z'), { left: 100 })), '2024-11-03T05:30:00.000Z');
});

test('latestFire does not depend on the shared budget but charges it', () => {
  const budget = { left: 0 };
  assert.equal(iso(latestFire('* * * * *', 'UTC', at('2024-03-01T14:00:30Z'), budget)), '2024-03-01T14:00:00.000Z');
  assert.ok(budget.left < 0);
});

test('cronRunEnd stops joining when the budget is spent', () => {
  const budget = { left: 10 };
  const end = cronRunEnd('* * * * *', 'UTC', 2 * MIN, at('2024-03-01T14:00:30Z'), Number.MAX_SAFE_INTEGER, budget);
  assert.ok(end !== undefined && end >= Date.parse('2024-03-01T14:02:00Z'), 'a lower bound of the end');
  assert.ok(end < Date.parse('2024-03-01T14:20:00Z'));
  assert.ok(budget.left <= 0);
});

test('cronRunEnd: not in force, in force, joined, and capped by the horizon', () => {
  const horizon = Date.parse('2030-01-01T00:00:00Z');
  assert.equal(cronRunEnd('0 0 * * *', 'UTC', 60 * MIN, at('2024-03-01T01:00:00Z'), horizon, { left: 100 }), undefined);
  assert.equal(iso(cronRunEnd('0 0 * * *', 'UTC', 60 * MIN, at('2024-03-01T00:59:59Z'), horizon, { left: 100 })), '2024-03-01T01:00:00.000Z');
  assert.equal(iso(cronRunEnd('0 0,1,2 * * *', 'UTC', 60 * MIN, at('2024-03-01T00:10:00Z'), horizon, { left: 100 })), '2024-03-01T03:00:00.000Z');
  const capped = cronRunEnd('0 * * * *', 'UTC', 90 * MIN, at('2024-03-01T00:10:00Z'), Date.parse('2024-03-01T05:00:00Z'), { left: 100 });
  assert.ok(capped !== undefined && capped > Date.parse('2024-03-01T05:00:00Z') && capped <= Date.parse('2024-03-01T06:30:00Z'));
});
