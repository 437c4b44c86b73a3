import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, writeSync } from 'node:fs';
import { sleep } from '../../kube/clock.js';
import { pidAlive } from '../../kube/proc.js';

/** A component process started by this Node process. */
export interface Spawned {
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** Set once the process has exited. */
  exitCode(): number | string | undefined;
}

/**
 * Start `bin args` detached in its own process group (so the whole group can be signalled), with
 * stdout and stderr appended to `logFile`. The child does not keep this process's event loop alive.
 */
export function spawnComponent(bin: string, args: readonly string[], logFile: string, env?: NodeJS.ProcessEnv): Spawned {
  const fd = openSync(logFile, 'a');
  try {
    writeSync(fd, `\n=== ${new Date().toISOString()} starting: ${bin} ${args.join(' ')}\n`);
    const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd], env: env ?? process.env });
    let code: number | string | undefined;
    const exited = new Promise<number | string>((resolve) => {
      child.once('exit', (c, sig) => {
        code = c ?? sig ?? 'unknown';
        resolve(code);
      });
      child.once('error', (err) => {
        code = `spawn error: ${err.message}`;
        resolve(code);
      });
    });
    child.unref();
    if (child.pid === undefined) {
      // spawn failed synchronously (ENOENT etc.); 'error' fires on next tick.
      return { pid: -1, child, exited, exitCode: () => code ?? 'spawn failed' };
    }
    return { pid: child.pid, child, exited, exitCode: () => code };
  } finally {
    closeSync(fd);
  }
}


/** True if any process of the group led by `pgid` exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a process, or undefined when it cannot be read (gone, or no /proc and no ps). */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    if (process.platform === 'linux') return undefined;
  }
  try {
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `pid` is alive and is one of this cluster's processes: its command line mentions the
 * state dir (every component gets paths inside it). Guards against killing a reused pid.
 */
export function isClusterProcess(pid: number | null | undefined, stateDir: string): boolean {
  if (!pid || !pidAlive(pid)) return false;
  const cmd = commandLine(pid);
  return cmd === undefined ? true : cmd.includes(`${stateDir}/`);
}

/** The argv of a process, or undefined when it cannot be read. */
function argvOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return undefined;
  }
}

/** Executables a local cluster runs (the watchdog runs as `node <stateDir>/watchdog.cjs`). */
const CLUSTER_EXECUTABLES = new Set(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']);

function looksLikeClusterProcess(argv: readonly string[], stateDir: string): boolean {
  if (!argv.some((a) => a.includes(`${stateDir}/`))) return false;
  const exe = (argv[0] ?? '').split('/').pop() ?? '';
  return CLUSTER_EXECUTABLES.has(exe) || argv.some((a) => a.endsWith('/watchdog.cjs'));
}

/**
 * Pids of cluster processes (our component binaries or the watchdog, never e.g. a `tail -f` on
 * a log) whose command line mentions `stateDir`, other than this process.
 */
export function processesUsing(stateDir: string): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    try {
      const ps = execFileSync('ps', ['-eo', 'pid=,command='], { encoding: 'utf8' });
      for (const line of ps.split('\n')) {
        const m = /^\s*(\d+)\s+(.*)$/.exec(line);
        if (!m?.[2] || Number(m[1]) === process.pid) continue;
        if (looksLikeClusterProcess(m[2].split(/\s+/), stateDir)) out.push(Number(m[1]));
      }
    } catch {
      /* no ps: nothing found */
    }
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    const argv = argvOf(pid);
    if (argv && looksLikeClusterProcess(argv, stateDir)) out.push(pid);
  }
  return out;
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/**
 * How long a component gets between SIGTERM and SIGKILL. Short on purpose: Kubernetes components
 * do not exit promptly on SIGTERM (the 1.24 scheduler hangs in its queue without leader election;
 * API servers wait up to 60 s for watch connections to drain) and the data is throw-away.
 */
export const STOP_GRACE_MS = 1000;

/**
 * Stop the process group led by `pid`: SIGTERM, then SIGKILL after `graceMs`. Resolves when no
 * process of the group is left (or after the SIGKILL settled).
 */
export async function killGroup(pid: number, graceMs = STOP_GRACE_MS): Promise<void> {
  if (!groupAlive(pid) && !pidAlive(pid)) return;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pid) && !pidAlive(pid)) return;
    await sleep(50);
  }
  signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 100 && (groupAlive(pid) || pidAlive(pid)); i++) await sleep(20);
}

/** Synchronous last resort for process exit handlers. */
export function killGroupNow(pid: number, sig: NodeJS.Signals = 'SIGKILL'): void {
  signalGroup(pid, sig);
}
