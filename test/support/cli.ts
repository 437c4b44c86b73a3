// The real `plinth` CLI as a child process (source through tsx), for integration tests, and a poller.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { sleep } from '../../src/kube/clock.js';

const CLI = ['--import', 'tsx', 'src/app/cli/main.ts'];

export type Run = { code: number | null; stdout: string; stderr: string };

/** Runs `plinth ARGS --kubeconfig KUBECONFIG` to its end. */
export function plinth(kubeconfig: string, ...args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [...CLI, ...args, '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Runs `plinth …`, asserts it exits 0 and returns its stdout. */
export async function ok(kubeconfig: string, ...args: string[]): Promise<string> {
  const r = await plinth(kubeconfig, ...args);
  assert.equal(r.code, 0, `plinth ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

/** A long-running `plinth …` (a manager, an agent) whose output is kept, the last 400 chunks, in `log`. */
export function background(kubeconfig: string, log: string[], env: NodeJS.ProcessEnv, ...args: string[]): ChildProcess {
  const child = spawn(process.execPath, [...CLI, ...args, '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const keep = (d: string): void => {
    log.push(d);
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  return child;
}

/** SIGTERM, then SIGKILL after 10 s. */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * Polls `fn` every 200 ms until it returns something other than undefined/false; fails after `timeoutMs` with the
 * last error and, when given, the tail of a log.
 */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000, log?: string[]): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      assert.fail(`timed out waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ''}${log ? `\n--- log tail:\n${log.join('').slice(-4000)}` : ''}`);
    }
    await sleep(200);
  }
}
