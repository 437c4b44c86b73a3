/**
 * The console `plinth up` starts: `plinth console` on 127.0.0.1 under a supervisor (the manager's, reused:
 * `plinth console-supervisor`), its record, log and local key in `<stateDir>/console/`. `plinth down` stops it;
 * `plinth up` and `plinth status` ask it for a fresh one-time sign-in link for the local admin
 * (POST /api/v1/local/admin-link with the key only this state directory holds).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage, PlinthError } from '../../errors/index.js';
import { sleep } from '../../kube/clock.js';
import { processRunning } from '../../kube/proc.js';
import { readManager, stopManager, type ManagerState } from '../manager/process.js';
import { readManagerRecord } from '../manager/record.js';

export const LOCAL_KEY_FILE = 'local.key';
const LOCAL_KEY_HEADER = 'x-plinth-local-key';

export const consoleDir = (stateDir: string): string => join(stateDir, 'console');
export const consoleUrl = (port: number): string => `http://127.0.0.1:${port}`;

/** What `plinth up` and `plinth status` show of the console. */
export interface ConsoleView {
  url: string;
  pid: number;
  alive: boolean;
  supervised: boolean;
  log: string;
  /** A fresh one-time sign-in link for the local admin (10 minutes), when the console could mint one. */
  signInLink?: string;
  /** Why there is no link. */
  signInError?: string;
}

/** The console of a state directory as found on disk (its process and /healthz checked), or undefined. */
export async function readConsole(stateDir: string): Promise<ManagerState | undefined> {
  return readManager(consoleDir(stateDir));
}

/** Stops the console and its supervisor; whether one was recorded. */
export async function stopConsole(stateDir: string): Promise<boolean> {
  return stopManager(consoleDir(stateDir));
}

/**
 * Starts the console under its supervisor on `port` (127.0.0.1) with a new local key; resolves when the
 * supervisor has recorded a console whose /healthz answers.
 */
export async function spawnConsole(opts: { stateDir: string; kubeconfig: string; port: number; webDir?: string; timeoutMs?: number }): Promise<ManagerState> {
  const dir = consoleDir(opts.stateDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, LOCAL_KEY_FILE), randomBytes(32).toString('base64url') + '\n', { mode: 0o600 });
  const logFile = join(dir, 'console.log');
  const fd = openSync(logFile, 'a');
  const args = ['console-supervisor', '--state-dir', opts.stateDir, '--kubeconfig', opts.kubeconfig, '--port', String(opts.port), ...(opts.webDir !== undefined ? ['--web-dir', opts.webDir] : [])];
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? '', ...args], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: { ...process.env, PLINTH_LOG_LEVEL: process.env.PLINTH_LOG_LEVEL ?? 'info' },
  });
  closeSync(fd);
  child.unref();
  const supervisorPid = child.pid;
  if (supervisorPid === undefined) throw new PlinthError('INTERNAL', { detail: 'could not start the console supervisor' });
  const failed = (detail: string): PlinthError => new PlinthError('CLUSTER_START_FAILED', { cluster: opts.stateDir, component: 'plinth console', detail, log: logFile });
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw failed('supervisor exited at start');
    const rec = await readManagerRecord(dir);
    if (rec?.supervisorPid === supervisorPid && processRunning(rec.pid, rec.startTime)) {
      const state = await readConsole(opts.stateDir);
      if (state?.alive) return state;
    }
    await sleep(200);
  }
  await stopConsole(opts.stateDir);
  throw failed('its /healthz did not answer in time');
}

/** A fresh one-time sign-in link from the running console (its local admin-link route). */
export async function signInLink(stateDir: string, port: number): Promise<string> {
  const key = (await readFile(join(consoleDir(stateDir), LOCAL_KEY_FILE), 'utf8')).trim();
  const res = await fetch(`${consoleUrl(port)}/api/v1/local/admin-link`, { method: 'POST', headers: { [LOCAL_KEY_HEADER]: key }, signal: AbortSignal.timeout(30_000) });
  const body = (await res.json()) as { path?: string; message?: string };
  if (!res.ok || !body.path) throw new Error(body.message ?? `HTTP ${res.status}`);
  return `${consoleUrl(port)}${body.path}`;
}

/** The view of a recorded console, with a fresh sign-in link when it is alive (`link`). */
export async function consoleView(stateDir: string, state: ManagerState, link: boolean): Promise<ConsoleView> {
  const view: ConsoleView = { url: consoleUrl(state.metricsPort), pid: state.pid, alive: state.alive, supervised: state.supervised, log: state.logFile };
  if (!link || !state.alive) return view;
  try {
    return { ...view, signInLink: await signInLink(stateDir, state.metricsPort) };
  } catch (err) {
    return { ...view, signInError: errorMessage(err) };
  }
}
