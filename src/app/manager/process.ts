import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlinthError } from '../../errors/index.js';

/** What a background manager leaves in its cluster's state directory. */
export interface ManagerRecord {
  pid: number;
  metricsPort: number;
  kubeconfig: string;
  logFile: string;
  startedAt: string;
}

const RECORD = 'manager.json';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readManager(stateDir: string): Promise<(ManagerRecord & { alive: boolean }) | undefined> {
  try {
    const rec = JSON.parse(await readFile(join(stateDir, RECORD), 'utf8')) as ManagerRecord;
    return { ...rec, alive: isAlive(rec.pid) };
  } catch {
    return undefined;
  }
}

/**
 * Start `plinth manager` in the background (its own session, output to a log file), wait until
 * its /readyz answers, and record it in the state directory.
 */
export async function spawnManager(opts: { stateDir: string; kubeconfig: string; metricsPort: number; timeoutMs?: number }): Promise<ManagerRecord> {
  const logFile = join(opts.stateDir, 'manager.log');
  const fd = openSync(logFile, 'a');
  const entry = process.argv[1] ?? '';
  const child = spawn(
    process.execPath,
    [...process.execArgv, entry, 'manager', '--kubeconfig', opts.kubeconfig, '--metrics-port', String(opts.metricsPort)],
    { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, PLINTH_LOG_LEVEL: process.env.PLINTH_LOG_LEVEL ?? 'info' } },
  );
  closeSync(fd);
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new PlinthError('INTERNAL', { detail: 'could not start the manager process' });
  const rec: ManagerRecord = { pid, metricsPort: opts.metricsPort, kubeconfig: opts.kubeconfig, logFile, startedAt: new Date().toISOString() };
  await writeFile(join(opts.stateDir, RECORD), JSON.stringify(rec, null, 2));
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new PlinthError('CLUSTER_START_FAILED', { cluster: opts.stateDir, component: 'plinth manager', detail: 'exited at start', log: logFile });
    }
    try {
      const res = await fetch(`http://127.0.0.1:${opts.metricsPort}/readyz`);
      if (res.ok) return rec;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stopManager(opts.stateDir);
  throw new PlinthError('CLUSTER_START_FAILED', { cluster: opts.stateDir, component: 'plinth manager', detail: 'not ready in time', log: logFile });
}

/** Stop a background manager: SIGTERM (it releases its Lease), SIGKILL after a grace period. */
export async function stopManager(stateDir: string, graceMs = 10_000): Promise<boolean> {
  const rec = await readManager(stateDir);
  if (!rec) return false;
  if (rec.alive) {
    process.kill(rec.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(rec.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(rec.pid)) process.kill(rec.pid, 'SIGKILL');
  }
  await rm(join(stateDir, RECORD), { force: true });
  return true;
}
