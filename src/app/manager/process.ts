import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../../kube/clock.js';
import { PlinthError } from '../../errors/index.js';
import { processRunning } from '../../kube/proc.js';
import { readManagerRecord, removeManagerRecord, type ManagerRecord } from './record.js';

export type { ManagerRecord } from './record.js';

/** A manager as found on disk, with what its process and health endpoint say now. */
export type ManagerState = ManagerRecord & {
  /** The recorded manager process runs (not a zombie, same start time) and its /healthz answers 200. */
  alive: boolean;
  /** Its supervisor runs (it restarts the manager when it dies). */
  supervised: boolean;
};

/** True when the manager's own /healthz answers 200 within `timeoutMs`. */
export async function managerHealthy(metricsPort: number, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${metricsPort}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * The background manager of a cluster's state directory, judged alive by its process (running, not
 * a zombie, the start time recorded at spawn: a reused pid is another process) and by its own
 * health endpoint, never by the pid alone.
 */
export async function readManager(stateDir: string): Promise<ManagerState | undefined> {
  const rec = await readManagerRecord(stateDir);
  if (!rec) return undefined;
  const running = processRunning(rec.pid, rec.startTime);
  const supervised = rec.supervisorPid !== undefined && processRunning(rec.supervisorPid, rec.supervisorStartTime);
  return { ...rec, alive: running && (await managerHealthy(rec.metricsPort)), supervised };
}

/**
 * Start the manager in the background under its supervisor (`plinth manager-supervisor`: its own
 * session, output to `<stateDir>/manager.log`), which restarts it when it dies. Resolves when the
 * supervisor has recorded a manager whose /readyz answers.
 */
export async function spawnManager(opts: { stateDir: string; kubeconfig: string; metricsPort: number; timeoutMs?: number }): Promise<ManagerState> {
  return spawnSupervised({
    recordDir: opts.stateDir,
    logFile: join(opts.stateDir, 'manager.log'),
    args: ['manager-supervisor', '--state-dir', opts.stateDir, '--kubeconfig', opts.kubeconfig, '--metrics-port', String(opts.metricsPort)],
    component: 'plinth manager',
    cluster: opts.stateDir,
    timeoutMs: opts.timeoutMs ?? 30_000,
    notReady: 'not ready in time',
    ready: async (rec) => {
      try {
        const res = await fetch(`http://127.0.0.1:${opts.metricsPort}/readyz`, { signal: AbortSignal.timeout(2000) });
        await res.body?.cancel();
        return res.ok ? { ...rec, alive: true, supervised: true } : undefined;
      } catch {
        return undefined; // not listening yet
      }
    },
  });
}

/** What `spawnSupervised` starts and how it knows the supervised process is ready. */
export interface SupervisedStart {
  /** Where the supervisor records its process (manager.json): `stopManager(recordDir)` stops both. */
  recordDir: string;
  logFile: string;
  /** This CLI's supervisor command and its flags, e.g. ['manager-supervisor', '--state-dir', …]. */
  args: string[];
  /** For the error: the component and the cluster (state directory). */
  component: string;
  cluster: string;
  timeoutMs: number;
  /** The error's detail when `ready` never said yes. */
  notReady: string;
  /** The ready state of the recorded process (running, started by this supervisor), or undefined for not yet. */
  ready: (rec: ManagerRecord) => Promise<ManagerState | undefined>;
}

/**
 * Start a supervisor of this CLI in the background (its own session, output to `logFile`) and wait until it
 * has recorded a process that `ready` accepts; on a timeout or an early exit, stop it and fail with
 * CLUSTER_START_FAILED. The manager and the console `plinth up` starts both come this way.
 */
export async function spawnSupervised(o: SupervisedStart): Promise<ManagerState> {
  const fd = openSync(o.logFile, 'a');
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? '', ...o.args], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, PLINTH_LOG_LEVEL: process.env.PLINTH_LOG_LEVEL ?? 'info' },
  });
  closeSync(fd);
  child.unref();
  const supervisorPid = child.pid;
  if (supervisorPid === undefined) throw new PlinthError('INTERNAL', { detail: `could not start the ${o.component} supervisor` });
  const failed = (detail: string): PlinthError => new PlinthError('CLUSTER_START_FAILED', { cluster: o.cluster, component: o.component, detail, log: o.logFile });
  const deadline = Date.now() + o.timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw failed('supervisor exited at start');
    const rec = await readManagerRecord(o.recordDir);
    if (rec?.supervisorPid === supervisorPid && processRunning(rec.pid, rec.startTime)) {
      const state = await o.ready(rec);
      if (state) return state;
    }
    await sleep(200);
  }
  await stopManager(o.recordDir);
  throw failed(o.notReady);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

/** Wait until `pid` no longer exists at all (a zombie is reaped), at most `ms`. */
async function gone(pid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) return;
    await sleep(50);
  }
}

/**
 * Stop a background manager: its supervisor first (SIGTERM; it stops the manager with SIGTERM, so
 * the manager releases its Lease, and restarts nothing), SIGKILL to whatever still runs after the
 * grace period. Returns whether a manager was recorded.
 */
export async function stopManager(stateDir: string, graceMs = 10_000): Promise<boolean> {
  const rec = await readManagerRecord(stateDir);
  if (!rec) return false;
  const procs: { pid: number; startTime?: number }[] = [{ pid: rec.pid, startTime: rec.startTime }];
  if (rec.supervisorPid !== undefined) procs.unshift({ pid: rec.supervisorPid, startTime: rec.supervisorStartTime });
  const running = procs.filter((p) => processRunning(p.pid, p.startTime));
  const [first] = running;
  if (first) {
    // A stopped (SIGSTOP) supervisor would act on SIGTERM only once continued.
    signal(first.pid, 'SIGTERM');
    signal(first.pid, 'SIGCONT');
    const deadline = Date.now() + graceMs;
    while (running.some((p) => processRunning(p.pid, p.startTime)) && Date.now() < deadline) await sleep(100);
    for (const p of running) if (processRunning(p.pid, p.startTime)) signal(p.pid, 'SIGKILL');
    await Promise.all(running.map((p) => gone(p.pid, 5000)));
  }
  await removeManagerRecord(stateDir);
  return true;
}
