/**
 * Whether a process runs on this host: the one place Plinth asks. `/proc/PID/stat` tells a zombie (dead, not
 * yet reaped: `kill(pid, 0)` alone still succeeds on it) and, with a recorded start time, a reused pid.
 */
import { readFileSync } from 'node:fs';

/** What /proc/PID/stat says about a process that matters to tell it alive and the same. */
export interface ProcStat {
  /** Field 3: R, S, D, T, Z (zombie), X (dead), ... */
  state: string;
  /** Field 22: clock ticks after boot at which the process started; with the pid, it names one process. */
  startTime: number;
}

/**
 * Parse the text of /proc/PID/stat. The command name (field 2) is in parentheses and may itself hold
 * spaces and parentheses, so the fields are counted from the last ')'.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  // Fields 3.. after the command name; field 3 is index 0 here, field 22 index 19.
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const state = rest[0];
  const startTime = Number(rest[19]);
  if (!state || !Number.isSafeInteger(startTime)) return undefined;
  return { state, startTime };
}

/** /proc/PID/stat of a process, or undefined when it does not exist (or there is no /proc). */
export function readProcStat(pid: number): ProcStat | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when the process exists, is not a zombie, and (given one) has the recorded start time, i.e. was not replaced by a reused pid. */
export function processRunning(pid: number, startTime?: number): boolean {
  const stat = readProcStat(pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return false;
  return startTime === undefined || stat.startTime === startTime;
}

/**
 * True when a process with this pid exists here and is not a zombie (EPERM: it exists, owned by someone
 * else). Without /proc, `kill(pid, 0)` alone decides.
 */
export function pidAlive(pid: number | null | undefined): boolean {
  if (!pid || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = readProcStat(pid);
  return !(stat && (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x'));
}
