import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { sleep } from '../../kube/clock.js';
import { Backoff, type BackoffOptions } from '../../kube/backoff.js';
import { logger } from '../../kube/log.js';
import { readProcStat } from '../../kube/proc.js';
import { writeManagerRecord, type ManagerRecord } from './record.js';

export interface SuperviseOptions {
  stateDir: string;
  /** The manager's command line; [0] is the executable. */
  command: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** The manager's stdout and stderr are appended here (the supervisor logs to its own stderr). */
  logFile: string;
  metricsPort: number;
  kubeconfig: string;
  /** Delays between restarts (default 1 s doubling to 30 s). */
  backoff?: BackoffOptions;
  /** A manager that ran at least this long before dying is restarted after the first delay again (default 60 s). */
  stableMs?: number;
  /** How long a manager gets to stop on SIGTERM before SIGKILL (default 10 s). */
  stopGraceMs?: number;
  /** Aborting stops the manager (SIGTERM, so it releases its Lease) and ends supervision without a restart. */
  signal: AbortSignal;
}

interface Exit {
  code: number | null;
  signal: string | null;
}

function exited(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
}

async function stopChild(child: ChildProcess, done: Promise<Exit>, graceMs: number): Promise<Exit> {
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Keep one manager process running until `signal` aborts: start it, record it in `manager.json`
 * (pid, start time, restarts, how the last one ended), and when it dies, whatever the cause (a
 * crash, `kill -9`, lost leadership's exit 1), log it and start a new one after a capped
 * exponential backoff. Being the manager's parent, the supervisor reaps it at once: no zombie
 * keeps a dead manager's pid answering.
 */
export async function superviseManager(opts: SuperviseOptions): Promise<void> {
  const log = logger('manager-supervisor', { stateDir: opts.stateDir });
  const backoff = new Backoff({ initialMs: 1000, maxMs: 30_000, ...opts.backoff });
  const stableMs = opts.stableMs ?? 60_000;
  const own = readProcStat(process.pid);
  let restarts = 0;
  let lastExit: ManagerRecord['lastExit'];
  const [bin = process.execPath, ...args] = opts.command;
  while (!opts.signal.aborted) {
    const fd = openSync(opts.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(bin, args, { stdio: ['ignore', fd, fd], env: opts.env ?? process.env });
    } finally {
      closeSync(fd);
    }
    const done = exited(child);
    const started = Date.now();
    const pid = child.pid ?? -1;
    await writeManagerRecord(opts.stateDir, {
      pid,
      ...(pid > 0 ? { startTime: readProcStat(pid)?.startTime } : {}),
      supervisorPid: process.pid,
      ...(own ? { supervisorStartTime: own.startTime } : {}),
      metricsPort: opts.metricsPort,
      kubeconfig: opts.kubeconfig,
      logFile: opts.logFile,
      startedAt: new Date(started).toISOString(),
      restarts,
      ...(lastExit ? { lastExit } : {}),
    });
    log.info({ managerPid: pid, restarts }, 'manager started');
    const onAbort = (): void => void stopChild(child, done, opts.stopGraceMs ?? 10_000);
    opts.signal.addEventListener('abort', onAbort, { once: true });
    const exit = await done;
    opts.signal.removeEventListener('abort', onAbort);
    if (opts.signal.aborted) {
      log.info({ managerPid: pid, ...exit }, 'manager stopped; supervision ends');
      return;
    }
    if (Date.now() - started >= stableMs) backoff.reset();
    const delayMs = backoff.next();
    restarts++;
    lastExit = { at: new Date().toISOString(), pid, code: exit.code, signal: exit.signal };
    log.warn({ managerPid: pid, exitCode: exit.code, exitSignal: exit.signal, restarts, delayMs }, 'manager died; restarting it after a delay');
    try {
      await sleep(delayMs, opts.signal);
    } catch {
      return; // aborted while waiting: nothing runs
    }
  }
}
