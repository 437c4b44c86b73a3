import type { Static } from '@sinclair/typebox';
import { CronExpressionParser } from 'cron-parser';
import type { BlackoutWindow } from '../../api/index.js';
import type { Problem } from './problem.js';
import { CRON_FIRE_BUDGET, cronRunEnd, type Budget } from './cronfire.js';
import { addDays, canonicalTimeZone, wallTime, weekdayOf, zonedInstant, type CalendarDate } from './zoned.js';

/** A ReleasePolicy blackout window (spec.preChecks.blackoutWindows[]). */
export type BlackoutWindowT = Static<typeof BlackoutWindow>;

/** The blackout in force now: the window's name and when it ends. */
export interface ActiveBlackout {
  window: string;
  until: Date;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const HHMM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;
const MINUTE_MS = 60_000;
const SEARCH_LIMIT = 1000;
const HORIZON_MS = 366 * 86_400_000;

interface Range {
  days: Set<number>;
  start: [number, number];
  end: [number, number];
}

interface Compiled {
  name: string;
  timeZone: string;
  weekly?: Range[];
  cron?: { expression: string; durationMs: number };
}

/**
 * Everything wrong with blackout windows, for a condition on the ReleasePolicy or the release. Windows with
 * problems make {@link activeBlackout} and {@link nextAllowedStart} throw: a controller should check this first
 * and treat a policy with problems as blocking (fail closed) rather than as no blackout.
 */
export function blackoutProblems(windows: readonly BlackoutWindowT[]): Problem[] {
  return windows.flatMap((w, i) => compile(w, i).problems);
}

/**
 * The blackout window in force at `now`, if any. A weekly range is in force from its start (on a listed day, in
 * the window's time zone) until its end: the same day when end > start, the next day when end < start (the range
 * crosses midnight; the listed day is the start's day), and 24 hours when end == start. A cron window is in force
 * from each fire time of its 5-field cron expression (evaluated in the window's time zone) for durationMinutes of
 * real time: active when the latest fire time <= now < fire + duration. Starts are inclusive, ends exclusive.
 * A window's occurrences that overlap or touch count as one: `until` is when that window stops being in force
 * (at most about a year ahead is looked at; a window in force for ever reports an end past that, or, when its
 * end takes more than CRON_FIRE_BUDGET cron fire times to find, the latest time found: it lasts at least until then).
 * When several windows are in force, the one that ends last is returned (the first listed on a tie);
 * other windows may be in force at `until`: see {@link nextAllowedStart}.
 * Throws an Error for windows with problems (see {@link blackoutProblems}).
 */
export function activeBlackout(windows: readonly BlackoutWindowT[], now: Date): ActiveBlackout | undefined {
  let best: ActiveBlackout | undefined;
  const horizon = now.getTime() + HORIZON_MS;
  const budget: Budget = { left: CRON_FIRE_BUDGET };
  for (const w of compileAll(windows)) {
    const until = activeUntil(w, now, horizon, budget);
    if (until && (!best || until > best.until)) best = { window: w.name, until };
  }
  return best;
}

/**
 * The first instant at or after `now` when no window is in force: `now` itself when none is, otherwise the end
 * of the chain of windows that overlap or touch. Undefined when the blackout does not end within a year, e.g. a
 * weekly range covering every day around the clock (or when finding its end takes more than 1000 chained windows
 * or CRON_FIRE_BUDGET cron fire times: the caller should then look again later).
 * Throws an Error for windows with problems (see {@link blackoutProblems}).
 */
export function nextAllowedStart(windows: readonly BlackoutWindowT[], now: Date): Date | undefined {
  const compiled = compileAll(windows);
  const horizon = now.getTime() + HORIZON_MS;
  const budget: Budget = { left: CRON_FIRE_BUDGET };
  let t = now;
  for (let i = 0; i < SEARCH_LIMIT; i++) {
    let latest: Date | undefined;
    for (const w of compiled) {
      const until = activeUntil(w, t, horizon, budget);
      if (until && (!latest || until > latest)) latest = until;
    }
    if (budget.left <= 0) return undefined;
    if (!latest) return t;
    if (latest.getTime() > horizon) return undefined;
    t = latest;
  }
  return undefined;
}

function compileAll(windows: readonly BlackoutWindowT[]): Compiled[] {
  return windows.map((w, i) => {
    const { compiled, problems } = compile(w, i);
    if (!compiled) {
      throw new Error(`blackout window "${w.name}" is invalid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    }
    return compiled;
  });
}

function compile(w: BlackoutWindowT, index: number): { compiled?: Compiled; problems: Problem[] } {
  const at = `spec.preChecks.blackoutWindows[${index}]`;
  const problems: Problem[] = [];
  const timeZone = canonicalTimeZone(w.timeZone ?? 'UTC');
  if (!timeZone) problems.push({ field: `${at}.timeZone`, message: `unknown time zone "${w.timeZone}"; use an IANA name such as Asia/Shanghai` });
  if ((w.weekly === undefined) === (w.cron === undefined)) {
    problems.push({ field: at, message: 'a blackout window needs exactly one of weekly or cron' });
    return { problems };
  }
  const compiled: Compiled = { name: w.name, timeZone: timeZone ?? 'UTC' };
  if (w.weekly) {
    compiled.weekly = w.weekly.map((r, j) => compileRange(r, `${at}.weekly[${j}]`, problems));
  } else if (w.cron !== undefined) {
    const fields = w.cron.trim().split(/\s+/);
    if (fields.length !== 5) {
      problems.push({ field: `${at}.cron`, message: `"${w.cron}" has ${fields.length} fields; write a standard 5-field cron expression (minute hour day-of-month month day-of-week)` });
    } else {
      try {
        CronExpressionParser.parse(w.cron, { currentDate: new Date(0), tz: compiled.timeZone });
      } catch (err) {
        problems.push({ field: `${at}.cron`, message: `"${w.cron}" is not a valid cron expression: ${(err as Error).message}` });
      }
    }
    if (w.durationMinutes === undefined || !Number.isInteger(w.durationMinutes) || w.durationMinutes < 1) {
      problems.push({ field: `${at}.durationMinutes`, message: 'a cron blackout window needs durationMinutes, a whole number >= 1' });
    }
    compiled.cron = { expression: w.cron, durationMs: (w.durationMinutes ?? 0) * MINUTE_MS };
  }
  return problems.length > 0 ? { problems } : { compiled, problems };
}

function compileRange(r: { days: string[]; start: string; end: string }, at: string, problems: Problem[]): Range {
  const days = new Set<number>();
  for (const d of r.days) {
    const n = DAYS.indexOf(d);
    if (n < 0) problems.push({ field: `${at}.days`, message: `"${d}" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun` });
    else days.add(n);
  }
  if (r.days.length === 0) problems.push({ field: `${at}.days`, message: 'list at least one day' });
  const time = (s: string, field: string): [number, number] => {
    const m = HHMM.exec(s);
    if (!m) problems.push({ field: `${at}.${field}`, message: `"${s}" is not a time; write HH:MM from 00:00 to 23:59` });
    return m ? [Number(m[1]), Number(m[2])] : [0, 0];
  };
  return { days, start: time(r.start, 'start'), end: time(r.end, 'end') };
}

/**
 * When window `w`, in force at `now`, stops being in force: its own occurrences that overlap or touch are joined
 * (Friday 18:00-00:00 then Saturday 00:00-00:00 ends Sunday 00:00). Stops joining past `horizon`.
 */
function activeUntil(w: Compiled, now: Date, horizon: number, budget: Budget): Date | undefined {
  if (w.cron) {
    const end = cronRunEnd(w.cron.expression, w.timeZone, w.cron.durationMs, now, horizon, budget);
    return end === undefined ? undefined : new Date(end);
  }
  const ranges = w.weekly ?? [];
  let until = weeklyUntil(ranges, w.timeZone, now);
  for (let next = until; next && next.getTime() <= horizon; next = weeklyUntil(ranges, w.timeZone, next)) until = next;
  return until;
}

function weeklyUntil(ranges: readonly Range[], timeZone: string, now: Date): Date | undefined {
  const today: CalendarDate = wallTime(now, timeZone);
  let until: Date | undefined;
  for (const offset of [-1, 0]) {
    const day = addDays(today, offset);
    const weekday = weekdayOf(day);
    for (const r of ranges) {
      if (!r.days.has(weekday)) continue;
      const start = zonedInstant(day, r.start[0], r.start[1], timeZone);
      const sameDay = r.end[0] * 60 + r.end[1] > r.start[0] * 60 + r.start[1];
      const end = zonedInstant(sameDay ? day : addDays(day, 1), r.end[0], r.end[1], timeZone);
      if (start <= now && now < end && (!until || end > until)) until = end;
    }
  }
  return until;
}
