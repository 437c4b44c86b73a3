/**
 * Wall-clock time in IANA time zones, from the runtime's Intl data (no time zone library).
 * Pure: every function maps its arguments to a result; formatters are cached per zone.
 */

/** A calendar date: month 1-12, day 1-31. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** What a wall clock in some zone shows at an instant. `weekday` is 0 for Sunday to 6 for Saturday. */
export interface WallTime extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's canonical name ("asia/shanghai" gives "Asia/Shanghai"), or undefined when the runtime does not know it. */
export function canonicalTimeZone(timeZone: string): string | undefined {
  if (timeZone === '') return undefined;
  try {
    return formatter(timeZone).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The wall time in `timeZone` at `instant` (whole seconds). Throws RangeError for an unknown zone. */
export function wallTime(instant: Date, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const date = { year: parts['year'] ?? NaN, month: parts['month'] ?? NaN, day: parts['day'] ?? NaN };
  return {
    ...date,
    hour: (parts['hour'] ?? NaN) % 24,
    minute: parts['minute'] ?? NaN,
    second: parts['second'] ?? NaN,
    weekday: weekdayOf(date),
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive: Asia/Shanghai gives +8 h). */
export function offsetAt(instant: number, timeZone: string): number {
  const w = wallTime(new Date(instant), timeZone);
  const wholeSecond = instant - (((instant % 1000) + 1000) % 1000);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - wholeSecond;
}

/**
 * The instant when the wall clock in `timeZone` shows `date` at hour:minute. Around DST changes it behaves like
 * Temporal's 'compatible' choice: a time skipped by a spring-forward gap moves forward by the gap's length
 * (02:30 on a day New York jumps from 02:00 to 03:00 is 03:30 EDT); a time repeated by a fall-back overlap is
 * its earlier occurrence (01:30 EDT, not 01:30 EST).
 */
export function zonedInstant(date: CalendarDate, hour: number, minute: number, timeZone: string): Date {
  const asUtc = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const before = offsetAt(asUtc - DAY_MS, timeZone);
  const after = offsetAt(asUtc + DAY_MS, timeZone);
  const fits = [asUtc - before, asUtc - after].filter((t) => offsetAt(t, timeZone) === asUtc - t).sort((a, b) => a - b);
  return new Date(fits[0] ?? asUtc - before);
}

/** The calendar date `days` after `date` (negative: before). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 for Sunday to 6 for Saturday. */
export function weekdayOf(date: CalendarDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}
