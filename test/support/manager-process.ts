// A manager with some controllers in a child OS process (test/support/release-manager.ts), for tests that
// SIGKILL it: the controller-kill tests and the leader-failover test.
import { spawn, type ChildProcess } from 'node:child_process';
import type { WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ManagerProcessOptions {
  kubeconfig: string;
  log: WriteStream;
  /** Run with leader election under this identity (short test timings); without it, no election. */
  identity?: string;
  /** The controller modules it runs (default the release controllers: celldeployment and releaseorder). */
  controllers?: readonly string[];
}

export class ManagerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** Resolves once every controller synced its caches and runs its workers (or the process exited). */
  working: Promise<void> = Promise.resolve();
  starts = 0;

  constructor(private readonly o: ManagerProcessOptions) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  start(): void {
    this.starts++;
    const who = this.o.identity ?? 'manager';
    this.o.log.write(`--- ${who} start #${this.starts} at ${new Date().toISOString()}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: this.o.kubeconfig, PLINTH_LOG_LEVEL: 'info' };
    if (this.o.identity) env.PLINTH_TEST_LEADER_IDENTITY = this.o.identity;
    const names = this.o.controllers ?? ['celldeployment', 'releaseorder'];
    env.PLINTH_TEST_CONTROLLERS = names.join(',');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/release-manager.ts'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.pipe(this.o.log, { end: false });
    let synced = 0;
    this.working = new Promise((resolve) => {
      createInterface({ input: child.stderr }).on('line', (line) => {
        if (line.includes('caches synced; starting workers') && ++synced === names.length) resolve();
      });
      child.once('exit', () => resolve());
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.child = child;
  }

  async kill(): Promise<void> {
    if (!this.child) return;
    this.o.log.write(`--- ${this.o.identity ?? 'manager'} SIGKILL at ${new Date().toISOString()}\n`);
    this.child.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }
}
