import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ExecutorDoc } from './plan-schema.js';

/** How a command ended. */
export interface CommandResult {
  /** Exit code; null when killed (timeout) or not started. */
  code: number | null;
  durationMs: number;
  timedOut: boolean;
  /** ssh exits 255 when it cannot connect or authenticate. */
  unreachable: boolean;
  /** The spawn failed (binary missing). */
  spawnError?: string;
}

/** The argv that runs `command` on a host (pure; unit tested). */
export function commandArgv(ex: ExecutorDoc, command: string): { bin: string; args: string[] } {
  if (ex.type === 'local') return { bin: 'sh', args: ['-c', command] };
  const args = [
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${ex.connectTimeoutSeconds ?? 10}`,
    '-o', 'ServerAliveInterval=15',
  ];
  for (const o of ex.options ?? []) args.push('-o', o);
  if (ex.port !== undefined) args.push('-p', String(ex.port));
  if (ex.identityFile !== undefined) args.push('-i', ex.identityFile, '-o', 'IdentitiesOnly=yes');
  if (ex.user !== undefined) args.push('-l', ex.user);
  // `--` ends ssh's options: a host name starting with '-' cannot become one.
  args.push('--', ex.host ?? '', command);
  return { bin: 'ssh', args };
}

/** A short description of where a command runs, for messages. */
export function describeExecutor(ex: ExecutorDoc): string {
  if (ex.type === 'local') return 'local shell';
  return `ssh ${ex.user ? `${ex.user}@` : ''}${ex.host ?? ''}${ex.port ? `:${ex.port}` : ''}`;
}

/**
 * Run one command through its executor with stdout and stderr appended to `logFile`. The command
 * runs in its own process group; on timeout the whole group gets SIGTERM, then SIGKILL after 2 s.
 */
export function runCommand(ex: ExecutorDoc, command: string, opts: { logFile: string; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<CommandResult> {
  const { bin, args } = commandArgv(ex, command);
  const fd = openSync(opts.logFile, 'a');
  writeSync(fd, `\n=== ${new Date().toISOString()} [${describeExecutor(ex)}] $ ${command}\n`);
  const t0 = Date.now();
  return new Promise<CommandResult>((resolvePromise) => {
    let timedOut = false;
    let settled = false;
    const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: true, env: opts.env ?? process.env });
    const kill = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, sig);
      } catch {
        /* gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill('SIGTERM');
      setTimeout(() => kill('SIGKILL'), 2000).unref();
    }, opts.timeoutMs);
    const finish = (r: Omit<CommandResult, 'durationMs'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const durationMs = Date.now() - t0;
      try {
        writeSync(fd, `=== exit ${r.code ?? (r.timedOut ? 'timeout' : 'killed')} after ${(durationMs / 1000).toFixed(1)}s\n`);
      } finally {
        closeSync(fd);
      }
      resolvePromise({ ...r, durationMs });
    };
    child.once('error', (err) => finish({ code: null, timedOut: false, unreachable: false, spawnError: err.message }));
    child.once('exit', (code) => finish({ code, timedOut, unreachable: ex.type === 'ssh' && code === 255 }));
  });
}
