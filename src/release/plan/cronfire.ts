import { CronExpressionParser } from 'cron-parser';
import { offsetAt } from './zoned.js';

/**
 * How many cron fire times one top-level call may compute. cron-parser takes about 0.1 ms per fire time in a
 * time zone, so this bounds a pathological window ("* * * * *" lasting 2 minutes is in force for ever) to well
 * under a second instead of walking a year minute by minute.
 */
export const CRON_FIRE_BUDGET = 5000;

/** A shared allowance of fire-time computations; `left` goes down as they are used. */
export interface Budget {
  left: number;
}

/** Enough to walk REWIND_MS of a cron that fires every minute. */
const LATEST_FIRE_LIMIT = 1000;

/** DST shifts are at most a few hours; walking fire times forward from this far back fixes prev() around them. */
const REWIND_MS = 3 * 3_600_000;

/** Fire times of `expression` in `timeZone` after `from` (exclusive), while the budget lasts. */
function* firesAfter(expression: string, timeZone: string, from: number, budget: Budget): Generator<number> {
  const walker = CronExpressionParser.parse(expression, { currentDate: new Date(from), tz: timeZone });
  while (budget.left > 0) {
    budget.left -= 1;
    try {
      yield walker.next().getTime();
    } catch {
      return; // no further fire time
    }
  }
}

/**
 * The latest fire time <= now, as cron-parser's next() defines fire times: around DST changes its prev() may
 * skip a fire time in a spring-forward gap that next() shifts forward, or give the second of a repeated hour that
 * next() never yields (and next() itself yields that second occurrence only when started inside the repeated
 * hour). So prev() only finds a starting point, and fire times are those next() yields walking forward from
 * before any DST change nearby: a skipped time fires once, shifted forward; a repeated time fires once, at its
 * first occurrence. Undefined when there is none. Uses up to 1000 fire times of its own, whatever is left of
 * `budget`, and subtracts them from `budget`.
 */
export function latestFire(expression: string, timeZone: string, now: Date, budget: Budget): number | undefined {
  // Its own allowance, so that whether a window is in force never depends on what other windows used;
  // the work still counts against the shared budget.
  const own: Budget = { left: LATEST_FIRE_LIMIT };
  try {
    return latestFireWithin(expression, timeZone, now, own);
  } finally {
    budget.left -= LATEST_FIRE_LIMIT - own.left;
  }
}

function latestFireWithin(expression: string, timeZone: string, now: Date, budget: Budget): number | undefined {
  let candidate: number;
  try {
    budget.left -= 1;
    candidate = CronExpressionParser.parse(expression, { currentDate: new Date(now.getTime() + 1), tz: timeZone }).prev().getTime();
  } catch {
    return undefined; // no fire time in the past that cron-parser can find
  }
  // Next to a DST change, walk from a point before it; elsewhere prev() is right and the walk is short.
  const steady = offsetAt(candidate - REWIND_MS, timeZone) === offsetAt(candidate, timeZone);
  const start = steady ? candidate - 1 : candidate - REWIND_MS;
  let latest: number | undefined;
  for (const t of firesAfter(expression, timeZone, start, budget)) {
    if (t > now.getTime()) break;
    latest = t;
  }
  return latest;
}

/**
 * When a cron window in force at `now` ends: occurrences that overlap or touch the running one extend it.
 * Undefined when the window is not in force. Stops extending past `horizon` or when the budget runs out
 * (the answer is then a time the blackout lasts at least until).
 */
export function cronRunEnd(expression: string, timeZone: string, durationMs: number, now: Date, horizon: number, budget: Budget): number | undefined {
  const fire = latestFire(expression, timeZone, now, budget);
  if (fire === undefined) return undefined;
  let end = fire + durationMs;
  if (now.getTime() >= end) return undefined;
  for (const next of firesAfter(expression, timeZone, fire, budget)) {
    if (next > end || end > horizon) break;
    end = Math.max(end, next + durationMs);
  }
  return end;
}
