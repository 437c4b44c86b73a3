/**
 * The stack's local Git server: `git daemon` on loopback serving bare repositories under one base
 * directory, pushes allowed (receive-pack), so a newcomer clones the sample, commits and pushes. The
 * sample repository (`localenv/fleet-sample/` of the package) is committed into a bare repository at the
 * first start; later starts keep whatever was pushed.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PlinthError, errorMessage } from '../../../errors/index.js';
import { sleep } from '../../../kube/clock.js';
import { processRunning, readProcStat } from '../../../kube/proc.js';

const run = promisify(execFile);

/** The repository `plinth up --members` serves. */
export const SAMPLE_REPO = 'fleet-sample';

export interface GitDaemonRecord {
  port: number;
  /** The base path: every bare repository under it is served as git://127.0.0.1:<port>/<name>.git */
  baseDir: string;
  log: string;
  pid: number | null;
  startTime?: number;
}

/** The URL of a repository on the daemon. */
export const repoUrl = (port: number, repo = SAMPLE_REPO): string => `git://127.0.0.1:${port}/${repo}.git`;

/** `localenv/fleet-sample` of the package (src/app/stack/fleet or dist/app/stack/fleet: four levels up). */
export function sampleSourceDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'localenv', SAMPLE_REPO);
}

async function git(args: string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    return stdout;
  } catch (err) {
    throw new PlinthError('FLEET_LOCAL_GIT_FAILED', { command: `git ${args.join(' ')}`, detail: errorMessage(err) }, { cause: err });
  }
}

/** Create `<baseDir>/<repo>.git` from `source` (one commit on main) unless it exists. Returns whether it was created. */
export async function ensureSampleRepo(baseDir: string, source = sampleSourceDir(), repo = SAMPLE_REPO): Promise<boolean> {
  const bare = join(baseDir, `${repo}.git`);
  if (existsSync(join(bare, 'HEAD'))) return false;
  await mkdir(baseDir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'plinth-sample-'));
  try {
    await cp(source, work, { recursive: true });
    await git(['init', '-q', '-b', 'main'], work);
    await git(['add', '-A'], work);
    await git(['-c', 'user.name=Plinth', '-c', 'user.email=plinth@localhost', 'commit', '-q', '-m', 'fleet sample: hello (base and edge overlay)'], work);
    await git(['clone', '-q', '--bare', work, bare]);
    return true;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      res(true);
    });
    s.once('error', () => res(false));
  });
}

/** True when the recorded daemon process runs (same start time: not a reused pid). */
export function gitDaemonAlive(rec: GitDaemonRecord | undefined): boolean {
  return rec?.pid != null && processRunning(rec.pid, rec.startTime);
}

/**
 * Start `git daemon` on 127.0.0.1:<port> in its own process group (it outlives this process), or find it
 * running. Resolves when the port accepts connections.
 */
export async function startGitDaemon(rec: GitDaemonRecord): Promise<GitDaemonRecord> {
  if (gitDaemonAlive(rec) && (await portAnswers(rec.port))) return rec;
  await stopGitDaemon(rec);
  await mkdir(dirname(rec.log), { recursive: true });
  const fd = openSync(rec.log, 'a');
  const args = [
    'daemon',
    '--reuseaddr',
    '--listen=127.0.0.1',
    `--port=${rec.port}`,
    `--base-path=${rec.baseDir}`,
    '--export-all',
    '--enable=receive-pack',
    '--informative-errors',
    rec.baseDir,
  ];
  let pid: number | undefined;
  try {
    const child = spawn('git', args, { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(fd);
  }
  if (pid === undefined) throw new PlinthError('FLEET_LOCAL_GIT_FAILED', { command: `git ${args.join(' ')}`, detail: 'could not start' });
  const started: GitDaemonRecord = { ...rec, pid, ...(readProcStat(pid) ? { startTime: readProcStat(pid)!.startTime } : {}) };
  for (let i = 0; i < 100; i++) {
    if (await portAnswers(rec.port)) return started;
    if (!processRunning(pid)) break;
    await sleep(100);
  }
  await stopGitDaemon(started);
  throw new PlinthError('FLEET_LOCAL_GIT_FAILED', { command: `git ${args.join(' ')}`, detail: `not listening on 127.0.0.1:${rec.port}; see ${rec.log}` });
}

/** Stop the daemon and the children it forked for connections (its process group). */
export async function stopGitDaemon(rec: GitDaemonRecord | undefined): Promise<void> {
  if (!rec || !gitDaemonAlive(rec)) return;
  const pid = rec.pid!;
  const kill = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      /* gone */
    }
  };
  kill('SIGTERM');
  for (let i = 0; i < 40 && processRunning(pid, rec.startTime); i++) await sleep(50);
  kill('SIGKILL');
  for (let i = 0; i < 40 && processRunning(pid, rec.startTime); i++) await sleep(50);
}
