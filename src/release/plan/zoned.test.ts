import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, canonicalTimeZone, offsetAt, wallTime, weekdayOf, zonedInstant } from './zoned.js';

const H = 3_600_000;

test('canonicalTimeZone knows IANA names and rejects others', () => {
  assert.equal(canonicalTimeZone('Asia/Shanghai'), 'Asia/Shanghai');
  assert.equal(canonicalTimeZone('asia/shanghai'), 'Asia/Shanghai');
  assert.equal(canonicalTimeZone('UTC'), 'UTC');
  assert.equal(canonicalTimeZone('Mars/Olympus'), undefined);
  assert.equal(canonicalTimeZone(''), undefined);
});

test('wallTime shows the local clock', () => {
  assert.deepEqual(wallTime(new Date('2024-03-04T14:30:15Z'), 'Asia/Shanghai'), {
    year: 2024, month: 3, day: 4, hour: 22, minute: 30, second: 15, weekday: 1,
  });
  // New Year in Shanghai while it is still the old year in UTC
  const ny = wallTime(new Date('2023-12-31T16:00:00Z'), 'Asia/Shanghai');
  assert.deepEqual([ny.year, ny.month, ny.day, ny.hour, ny.weekday], [2024, 1, 1, 0, 1]);
  const midnight = wallTime(new Date('2024-03-04T00:00:00Z'), 'UTC');
  assert.equal(midnight.hour, 0, 'midnight is hour 0, not 24');
  assert.throws(() => wallTime(new Date(), 'Mars/Olympus'), RangeError);
});

test('offsetAt follows DST in New York', () => {
  assert.equal(offsetAt(Date.parse('2024-03-10T06:59:59Z'), 'America/New_York'), -5 * H);
  assert.equal(offsetAt(Date.parse('2024-03-10T07:00:00Z'), 'America/New_York'), -4 * H);
  assert.equal(offsetAt(Date.parse('2024-11-03T05:59:59Z'), 'America/New_York'), -4 * H);
  assert.equal(offsetAt(Date.parse('2024-11-03T06:00:00Z'), 'America/New_York'), -5 * H);
  assert.equal(offsetAt(Date.parse('2024-07-01T00:00:00.750Z'), 'Asia/Shanghai'), 8 * H, 'milliseconds do not leak into the offset');
  assert.equal(offsetAt(Date.parse('2024-06-01T00:00:00Z'), 'Asia/Kolkata'), 5.5 * H);
});

test('zonedInstant converts ordinary wall times', () => {
  assert.equal(zonedInstant({ year: 2024, month: 3, day: 4 }, 22, 0, 'Asia/Shanghai').toISOString(), '2024-03-04T14:00:00.000Z');
  assert.equal(zonedInstant({ year: 2024, month: 3, day: 8 }, 9, 0, 'America/New_York').toISOString(), '2024-03-08T14:00:00.000Z');
  assert.equal(zonedInstant({ year: 2024, month: 3, day: 11 }, 9, 0, 'America/New_York').toISOString(), '2024-03-11T13:00:00.000Z');
});

test('zonedInstant moves a time in a spring-forward gap forward by the gap', () => {
  // 2024-03-10 02:00 EST -> 03:00 EDT: 02:30 does not exist and becomes 03:30 EDT
  assert.equal(zonedInstant({ year: 2024, month: 3, day: 10 }, 2, 30, 'America/New_York').toISOString(), '2024-03-10T07:30:00.000Z');
  assert.equal(zonedInstant({ year: 2024, month: 3, day: 10 }, 3, 0, 'America/New_York').toISOString(), '2024-03-10T07:00:00.000Z');
  assert.equal(zonedInstant({ year: 2024, month: 3, day: 10 }, 1, 59, 'America/New_York').toISOString(), '2024-03-10T06:59:00.000Z');
});

test('zonedInstant takes the earlier of a repeated fall-back time', () => {
  // 2024-11-03 02:00 EDT -> 01:00 EST: 01:30 happens twice; the first is 05:30Z
  assert.equal(zonedInstant({ year: 2024, month: 11, day: 3 }, 1, 30, 'America/New_York').toISOString(), '2024-11-03T05:30:00.000Z');
  assert.equal(zonedInstant({ year: 2024, month: 11, day: 3 }, 2, 0, 'America/New_York').toISOString(), '2024-11-03T07:00:00.000Z');
});

test('addDays and weekdayOf handle month, year and leap days', () => {
  assert.deepEqual(addDays({ year: 2024, month: 2, day: 28 }, 1), { year: 2024, month: 2, day: 29 });
  assert.deepEqual(addDays({ year: 2023, month: 2, day: 28 }, 1), { year: 2023, month: 3, day: 1 });
  assert.deepEqual(addDays({ year: 2024, month: 12, day: 31 }, 1), { year: 2025, month: 1, day: 1 });
  assert.deepEqual(addDays({ year: 2024, month: 1, day: 1 }, -1), { year: 2023, month: 12, day: 31 });
  assert.equal(weekdayOf({ year: 2024, month: 3, day: 10 }), 0);
  assert.equal(weekdayOf({ year: 2024, month: 3, day: 11 }), 1);
});
