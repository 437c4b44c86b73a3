/**
 * The console `plinth up` starts: `plinth console` on 127.0.0.1 under a supervisor (the manager's, reused:
 * `plinth console-supervisor`), its record, log and local key in `<stateDir>/console/`. `plinth down` stops it;
 * `plinth up` and `plinth status` ask it for a fresh one-time sign-in link for the local admin
 * (POST /api/v1/local/admin-link with the key only this state directory holds).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../errors/index.js';
import { readManager, spawnSupervised, stopManager, type ManagerState } from '../manager/process.js';

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
  return spawnSupervised({
    recordDir: dir,
    logFile: join(dir, 'console.log'),
    args: ['console-supervisor', '--state-dir', opts.stateDir, '--kubeconfig', opts.kubeconfig, '--port', String(opts.port), ...(opts.webDir !== undefined ? ['--web-dir', opts.webDir] : [])],
    component: 'plinth console',
    cluster: opts.stateDir,
    timeoutMs: opts.timeoutMs ?? 60_000,
    notReady: 'its /healthz did not answer in time',
    ready: async () => {
      const state = await readConsole(opts.stateDir);
      return state?.alive ? state : undefined;
    },
  });
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
