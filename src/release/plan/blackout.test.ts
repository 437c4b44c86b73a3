import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeBlackout, blackoutProblems, nextAllowedStart, type BlackoutWindowT } from './blackout.js';

type Day = 'Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri' | 'Sat' | 'Sun';
function weekly(name: string, timeZone: string, days: Day[], start: string, end: string): BlackoutWindowT {
  return { name, timeZone, weekly: [{ days, start, end }] };
}
function cron(name: string, timeZone: string, expression: string, durationMinutes: number): BlackoutWindowT {
  return { name, timeZone, cron: expression, durationMinutes };
}
const at = (iso: string): Date => new Date(iso);
function until(windows: BlackoutWindowT[], iso: string): string | undefined {
  return activeBlackout(windows, at(iso))?.until.toISOString();
}

const nightsCN = [weekly('nights', 'Asia/Shanghai', ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], '22:00', '06:00')];

test('weekly, Asia/Shanghai: a range crossing midnight belongs to its start day', () => {
  // Mon 2024-03-04 22:30 CST
  assert.deepEqual(activeBlackout(nightsCN, at('2024-03-04T14:30:00Z')), { window: 'nights', until: at('2024-03-04T22:00:00Z') });
  // Sat 05:00 CST: Friday's night is still on
  assert.equal(until(nightsCN, '2024-03-08T21:00:00Z'), '2024-03-08T22:00:00.000Z');
  // Sat 23:00 CST: Saturday is not listed
  assert.equal(until(nightsCN, '2024-03-09T15:00:00Z'), undefined);
  // Mon 05:00 CST: Sunday is not listed, so Monday morning is free
  assert.equal(until(nightsCN, '2024-03-03T21:00:00Z'), undefined);
  // Mon 12:00 CST: daytime
  assert.equal(until(nightsCN, '2024-03-04T04:00:00Z'), undefined);
});

test('weekly: the start is inclusive and the end exclusive', () => {
  assert.equal(until(nightsCN, '2024-03-04T14:00:00Z'), '2024-03-04T22:00:00.000Z', 'Mon 22:00:00 CST is blacked out');
  assert.equal(until(nightsCN, '2024-03-04T13:59:59.999Z'), undefined);
  assert.equal(until(nightsCN, '2024-03-04T21:59:59.999Z'), '2024-03-04T22:00:00.000Z');
  assert.equal(until(nightsCN, '2024-03-04T22:00:00Z'), undefined, 'Tue 06:00 CST is free');
});

test('weekly, UTC: Sunday night into Monday', () => {
  const w = [weekly('sunday-night', 'UTC', ['Sun'], '20:00', '02:00')];
  assert.equal(until(w, '2024-03-10T20:00:00Z'), '2024-03-11T02:00:00.000Z');
  assert.equal(until(w, '2024-03-11T01:59:00Z'), '2024-03-11T02:00:00.000Z', 'Monday 01:59 is still Sunday night');
  assert.equal(until(w, '2024-03-11T02:00:00Z'), undefined);
  assert.equal(until(w, '2024-03-11T20:30:00Z'), undefined, 'Monday evening is not listed');
});

test('weekly: start == end is a whole day from start', () => {
  const w = [weekly('day', 'UTC', ['Sun'], '23:00', '23:00')];
  assert.equal(until(w, '2024-03-10T23:00:00Z'), '2024-03-11T23:00:00.000Z');
  assert.equal(until(w, '2024-03-11T22:59:00Z'), '2024-03-11T23:00:00.000Z');
  assert.equal(until(w, '2024-03-11T23:00:00Z'), undefined);
  assert.equal(until(w, '2024-03-10T22:59:00Z'), undefined);
});

test('weekly, America/New_York: a day range keeps local hours across the DST change', () => {
  const w = [weekly('business', 'America/New_York', ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], '09:00', '17:00')];
  assert.equal(until(w, '2024-03-08T13:30:00Z'), undefined, 'Fri 08:30 EST');
  assert.equal(until(w, '2024-03-08T14:00:00Z'), '2024-03-08T22:00:00.000Z', 'Fri 09:00 EST to 17:00 EST');
  assert.equal(until(w, '2024-03-11T13:30:00Z'), '2024-03-11T21:00:00.000Z', 'Mon 09:30 EDT to 17:00 EDT');
  assert.equal(until(w, '2024-03-11T12:59:00Z'), undefined, 'Mon 08:59 EDT');
});

test('weekly, America/New_York: a night range across spring-forward is an hour shorter', () => {
  const w = [weekly('sat-night', 'America/New_York', ['Sat'], '22:00', '06:00')];
  assert.equal(until(w, '2024-03-10T03:00:00Z'), '2024-03-10T10:00:00.000Z', 'Sat 22:00 EST until Sun 06:00 EDT');
  assert.equal(until(w, '2024-03-10T09:30:00Z'), '2024-03-10T10:00:00.000Z');
  assert.equal(until(w, '2024-03-10T10:00:00Z'), undefined, 'Sun 06:00 EDT is free (not 06:00 EST)');
});

test('weekly, America/New_York: a night range across fall-back is an hour longer', () => {
  const w = [weekly('sat-night', 'America/New_York', ['Sat'], '22:00', '06:00')];
  assert.equal(until(w, '2024-11-03T02:00:00Z'), '2024-11-03T11:00:00.000Z', 'Sat 22:00 EDT until Sun 06:00 EST');
  assert.equal(until(w, '2024-11-03T10:30:00Z'), '2024-11-03T11:00:00.000Z', 'Sun 05:30 EST');
});

test('weekly: a start in the spring-forward gap moves forward; a repeated time is its first occurrence', () => {
  const gap = [weekly('gap', 'America/New_York', ['Sun'], '02:30', '04:00')];
  assert.equal(until(gap, '2024-03-10T07:15:00Z'), undefined, '03:15 EDT: the window starts at 03:30 EDT');
  assert.equal(until(gap, '2024-03-10T07:45:00Z'), '2024-03-10T08:00:00.000Z');
  const overlap = [weekly('overlap', 'America/New_York', ['Sun'], '01:00', '01:45')];
  assert.equal(until(overlap, '2024-11-03T05:30:00Z'), '2024-11-03T05:45:00.000Z', '01:30 EDT');
  assert.equal(until(overlap, '2024-11-03T06:30:00Z'), undefined, '01:30 EST, the repeat, is free');
});

test('weekly: several ranges in one window', () => {
  const w: BlackoutWindowT[] = [{
    name: 'weekend',
    timeZone: 'UTC',
    weekly: [
      { days: ['Fri'], start: '18:00', end: '00:00' },
      { days: ['Sat', 'Sun'], start: '00:00', end: '00:00' },
    ],
  }];
  // ranges of one window that touch are one blackout: Friday evening runs into the weekend
  assert.equal(until(w, '2024-03-08T19:00:00Z'), '2024-03-11T00:00:00.000Z');
  assert.equal(until(w, '2024-03-09T12:00:00Z'), '2024-03-11T00:00:00.000Z');
  assert.equal(until(w, '2024-03-08T17:59:00Z'), undefined);
  assert.equal(nextAllowedStart(w, at('2024-03-08T19:00:00Z'))?.toISOString(), '2024-03-11T00:00:00.000Z');
  assert.equal(nextAllowedStart(w, at('2024-03-11T00:00:00Z'))?.toISOString(), '2024-03-11T00:00:00.000Z');
});

test('cron, Asia/Shanghai: active from a fire time for durationMinutes', () => {
  const w = [cron('friday-freeze', 'Asia/Shanghai', '0 22 * * 5', 600)];
  assert.deepEqual(activeBlackout(w, at('2024-03-08T14:00:00Z')), { window: 'friday-freeze', until: at('2024-03-09T00:00:00Z') });
  assert.equal(until(w, '2024-03-08T13:59:59.999Z'), undefined);
  assert.equal(until(w, '2024-03-08T23:59:59Z'), '2024-03-09T00:00:00.000Z');
  assert.equal(until(w, '2024-03-09T00:00:00Z'), undefined);
  assert.equal(until(w, '2024-03-07T14:30:00Z'), undefined, 'Thursday 22:30 CST');
});

test('cron: durations longer than a day and month-day fields', () => {
  const w = [cron('month-end', 'UTC', '0 0 28 * *', 4 * 24 * 60)];
  assert.equal(until(w, '2024-03-01T12:00:00Z'), '2024-03-03T00:00:00.000Z', 'Feb 28 + 4 days');
  assert.equal(until(w, '2024-03-03T00:00:00Z'), undefined);
});

test('cron, America/New_York: fire times follow local time across DST', () => {
  const w = [cron('daily', 'America/New_York', '0 9 * * *', 60)];
  assert.equal(until(w, '2024-03-09T14:30:00Z'), '2024-03-09T15:00:00.000Z', '09:30 EST');
  assert.equal(until(w, '2024-03-11T13:30:00Z'), '2024-03-11T14:00:00.000Z', '09:30 EDT');
  assert.equal(until(w, '2024-03-11T14:30:00Z'), undefined, '10:30 EDT');
});

test('cron: a fire time in the spring-forward gap fires at the shifted time; a repeated hour fires once', () => {
  const gap = [cron('gap', 'America/New_York', '30 2 * * *', 60)];
  assert.equal(until(gap, '2024-03-10T07:45:00Z'), '2024-03-10T08:30:00.000Z', 'fired at 03:30 EDT');
  assert.equal(until(gap, '2024-03-10T07:15:00Z'), undefined);
  const overlap = [cron('overlap', 'America/New_York', '30 1 * * *', 60)];
  assert.equal(until(overlap, '2024-11-03T06:00:00Z'), '2024-11-03T06:30:00.000Z', 'fired at 01:30 EDT');
  assert.equal(until(overlap, '2024-11-03T06:45:00Z'), undefined, 'not again at 01:30 EST');
});

test('cron: occurrences that overlap or touch are one blackout', () => {
  const touching = [cron('two-hours', 'UTC', '0 0,1 * * *', 60)];
  assert.equal(until(touching, '2024-03-08T00:30:00Z'), '2024-03-08T02:00:00.000Z');
  const overlapping = [cron('overlap', 'UTC', '0 0,1 * * *', 90)];
  assert.equal(until(overlapping, '2024-03-08T00:10:00Z'), '2024-03-08T02:30:00.000Z');
  const apart = [cron('apart', 'UTC', '0 0,2 * * *', 60)];
  assert.equal(until(apart, '2024-03-08T00:30:00Z'), '2024-03-08T01:00:00.000Z');
  // in force for ever: the end found within the work budget, a time it lasts at least until
  const forever = activeBlackout([cron('hourly', 'UTC', '0 * * * *', 90)], at('2024-03-08T12:00:00Z'));
  assert.ok(forever && forever.until.getTime() > Date.parse('2024-06-08T00:00:00Z'), `hourly for 90 minutes lasts months: ${forever?.until.toISOString()}`);
  const weekly = activeBlackout([{ name: 'always', timeZone: 'UTC', weekly: [{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], start: '00:00', end: '00:00' }] }], at('2024-03-08T12:00:00Z'));
  assert.ok(weekly && weekly.until.getTime() > Date.parse('2025-03-08T12:00:00Z'), 'a weekly window in force for ever ends past a year');
});

test('activeBlackout: windows that cost much to evaluate do not hide another one', () => {
  // At 2024-11-03 06:30Z New York is repeating 01:00-02:00, so each "every minute of 01:xx" window walks back
  // 3 hours of fire times (about 60 each); together they use more than the shared cron budget. None is in force (01:xx fired
  // once, in EDT), but the freeze must still be seen.
  const windows = [
    ...Array.from({ length: 90 }, (_, i) => cron(`one-am-${i}`, 'America/New_York', '* 1 * * *', 1)),
    cron('sunday-freeze', 'UTC', '0 0 * * 0', 24 * 60),
  ];
  assert.deepEqual(activeBlackout(windows, at('2024-11-03T06:30:30Z')), { window: 'sunday-freeze', until: at('2024-11-04T00:00:00Z') });
});

test('activeBlackout: no windows, and the latest-ending of several', () => {
  assert.equal(activeBlackout([], at('2024-03-08T14:00:00Z')), undefined);
  const w = [
    weekly('short', 'UTC', ['Fri'], '12:00', '15:00'),
    weekly('long', 'UTC', ['Fri'], '13:00', '18:00'),
    weekly('long-too', 'UTC', ['Fri'], '10:00', '18:00'),
  ];
  assert.deepEqual(activeBlackout(w, at('2024-03-08T14:00:00Z')), { window: 'long', until: at('2024-03-08T18:00:00Z') });
});

test('nextAllowedStart chains overlapping and touching windows of both kinds', () => {
  const w = [cron('midnight', 'UTC', '0 0 * * *', 120), weekly('maintenance', 'UTC', ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], '02:00', '03:00')];
  assert.equal(nextAllowedStart(w, at('2024-03-08T00:30:00Z'))?.toISOString(), '2024-03-08T03:00:00.000Z');
  assert.equal(nextAllowedStart(w, at('2024-03-08T12:00:00Z'))?.toISOString(), '2024-03-08T12:00:00.000Z');
  assert.equal(nextAllowedStart([], at('2024-03-08T12:00:00Z'))?.toISOString(), '2024-03-08T12:00:00.000Z');
});

test('nextAllowedStart is undefined for a blackout that never ends, and quick about it', () => {
  const always = [weekly('always', 'UTC', ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], '00:00', '00:00')];
  assert.equal(nextAllowedStart(always, at('2024-03-08T12:00:00Z')), undefined);
  const overlapping = [cron('hourly', 'UTC', '0 * * * *', 90)];
  assert.equal(nextAllowedStart(overlapping, at('2024-03-08T12:00:00Z')), undefined);
  const started = performance.now();
  assert.equal(nextAllowedStart([cron('every-minute', 'Asia/Shanghai', '* * * * *', 2)], at('2024-03-08T12:00:00Z')), undefined);
  assert.ok(performance.now() - started < 5000, 'the cron work budget bounds the time');
});

test('blackoutProblems accepts valid windows', () => {
  assert.deepEqual(blackoutProblems([...nightsCN, cron('c', 'America/New_York', '0 22 * * 5', 60)]), []);
  assert.deepEqual(blackoutProblems([weekly('lower-case zone', 'asia/shanghai', ['Mon'], '00:00', '01:00')]), []);
});

test('blackoutProblems reports each mistake with its field', () => {
  const cases: [BlackoutWindowT, string, RegExp][] = [
    [weekly('tz', 'Mars/Olympus', ['Mon'], '01:00', '02:00'), 'spec.preChecks.blackoutWindows[0].timeZone', /unknown time zone/],
    [{ name: 'both', timeZone: 'UTC', weekly: [], cron: '0 0 * * *', durationMinutes: 1 }, 'spec.preChecks.blackoutWindows[0]', /exactly one of weekly or cron/],
    [{ name: 'neither', timeZone: 'UTC' }, 'spec.preChecks.blackoutWindows[0]', /exactly one/],
    [cron('six', 'UTC', '0 0 0 * * *', 5), 'spec.preChecks.blackoutWindows[0].cron', /6 fields/],
    [cron('bad', 'UTC', '61 * * * *', 5), 'spec.preChecks.blackoutWindows[0].cron', /not a valid cron expression/],
    [cron('feb30', 'UTC', '0 0 30 2 *', 5), 'spec.preChecks.blackoutWindows[0].cron', /not a valid cron expression/],
    [{ name: 'nodur', timeZone: 'UTC', cron: '0 0 * * *' }, 'spec.preChecks.blackoutWindows[0].durationMinutes', /needs durationMinutes/],
    [cron('zerodur', 'UTC', '0 0 * * *', 0), 'spec.preChecks.blackoutWindows[0].durationMinutes', /needs durationMinutes/],
    [weekly('day', 'UTC', ['Funday' as Day], '01:00', '02:00'), 'spec.preChecks.blackoutWindows[0].weekly[0].days', /not a day/],
    [weekly('nodays', 'UTC', [], '01:00', '02:00'), 'spec.preChecks.blackoutWindows[0].weekly[0].days', /at least one day/],
    [weekly('start', 'UTC', ['Mon'], '24:00', '02:00'), 'spec.preChecks.blackoutWindows[0].weekly[0].start', /not a time/],
    [weekly('end', 'UTC', ['Mon'], '01:00', '9:00'), 'spec.preChecks.blackoutWindows[0].weekly[0].end', /not a time/],
  ];
  for (const [w, field, message] of cases) {
    const problems = blackoutProblems([w]);
    assert.ok(problems.some((p) => p.field === field && message.test(p.message)), `${w.name}: ${JSON.stringify(problems)}`);
  }
  assert.equal(blackoutProblems([nightsCN[0]!, weekly('tz', 'Nowhere/None', ['Mon'], '01:00', '02:00')])[0]!.field, 'spec.preChecks.blackoutWindows[1].timeZone');
});

test('activeBlackout and nextAllowedStart refuse invalid windows instead of ignoring them', () => {
  const bad = [weekly('typo', 'Asia/Shangai', ['Mon'], '01:00', '02:00')];
  assert.throws(() => activeBlackout(bad, at('2024-03-04T00:00:00Z')), /blackout window "typo" is invalid: .*unknown time zone "Asia\/Shangai"/);
  assert.throws(() => nextAllowedStart(bad, at('2024-03-04T00:00:00Z')), /"typo" is invalid/);
});
