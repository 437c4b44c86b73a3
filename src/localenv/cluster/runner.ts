import { readFile } from 'node:fs/promises';
import type { Tls } from './api.js';
import { commandLine, logFile, type Layout } from './components.js';
import { freePorts, releasePorts } from './ports.js';
import { groupAlive, killGroup, spawnComponent, STOP_GRACE_MS, type Spawned } from './process.js';
import { pidAlive } from '../../kube/proc.js';
import { etcdHealthy, healthz, ProcessExited, waitFor } from './readiness.js';
import type { ComponentName } from './types.js';
import { sleep } from '../../kube/clock.js';

/** How long each component may take to become ready. */
const READY_TIMEOUT_MS: Record<ComponentName, number> = {
  etcd: 30_000,
  'kube-apiserver': 180_000,
  'kube-controller-manager': 90_000,
  'kube-scheduler': 90_000,
  kwok: 60_000,
};

/** Which entry of Layout.ports each component listens on (etcd also on etcdPeer). */
const PORT_KEYS: Record<ComponentName, (keyof Layout['ports'])[]> = {
  etcd: ['etcdClient', 'etcdPeer'],
  'kube-apiserver': ['apiserver'],
  'kube-controller-manager': ['controllerManager'],
  'kube-scheduler': ['scheduler'],
  kwok: ['kwok'],
};

/** The last `n` non-empty lines of a log file. */
export async function tail(file: string, n = 8): Promise<string[]> {
  try {
    const text = await readFile(file, 'utf8');
    return text.split('\n').filter((l) => l.trim() !== '').slice(-n);
  } catch {
    return [];
  }
}

/** The most telling line of a failed component's log: an error if there is one, else the last. */
export async function lastError(file: string): Promise<string> {
  const lines = await tail(file, 40);
  const err = [...lines].reverse().find((l) => /error|fatal|failed|panic|invalid|unknown flag/i.test(l));
  return (err ?? lines.at(-1) ?? '').trim().slice(0, 400);
}

/** Starts, checks and stops one component process. */
export class ComponentRunner {
  private proc: Spawned | undefined;
  /** The pid recorded for this component (also set when adopted from another process). */
  pid: number | null = null;

  constructor(
    readonly name: ComponentName,
    private readonly layout: Layout,
    private readonly adminTls: () => Tls,
  ) {}

  get log(): string {
    return logFile(this.layout.stateDir, this.name);
  }

  running(): boolean {
    if (this.proc) return this.proc.exitCode() === undefined;
    return pidAlive(this.pid);
  }

  private ready(): Promise<boolean | string> {
    const p = this.layout.ports;
    switch (this.name) {
      case 'etcd':
        return etcdHealthy(`http://127.0.0.1:${p.etcdClient}`);
      case 'kube-apiserver':
        return healthz(`https://127.0.0.1:${p.apiserver}/readyz`, this.adminTls());
      case 'kube-controller-manager':
        return healthz(`https://127.0.0.1:${p.controllerManager}/healthz`);
      case 'kube-scheduler':
        return healthz(`https://127.0.0.1:${p.scheduler}/healthz`);
      case 'kwok':
        return healthz(`http://127.0.0.1:${p.kwok}/healthz`);
    }
  }

  /**
   * Spawn the component and wait until it is ready. `onSpawn` runs right after the spawn (record
   * the pid before waiting). When `mayMovePorts`, a port grabbed by someone else between our
   * check and the bind makes us retry on fresh ports (up to 3 times).
   */
  async start(onSpawn: (pid: number) => Promise<void>, mayMovePorts: boolean): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { bin, args, env } = commandLine(this.name, this.layout);
      const proc = spawnComponent(bin, args, this.log, { ...process.env, ...env });
      this.proc = proc;
      this.pid = proc.pid > 0 ? proc.pid : null;
      if (this.pid !== null) await onSpawn(this.pid);
      try {
        await waitFor(() => this.ready(), { timeoutMs: READY_TIMEOUT_MS[this.name], exited: () => proc.exitCode() });
        return;
      } catch (err) {
        if (!(err instanceof ProcessExited) || !mayMovePorts || attempt >= 3) throw err;
        const lines = (await tail(this.log, 30)).join('\n');
        if (!/address already in use/i.test(lines)) throw err;
        const used = new Set(Object.values(this.layout.ports));
        const fresh = await freePorts(PORT_KEYS[this.name].length, used);
        const stale = PORT_KEYS[this.name].map((k) => this.layout.ports[k]);
        PORT_KEYS[this.name].forEach((k, i) => {
          this.layout.ports[k] = fresh[i] ?? this.layout.ports[k];
        });
        await releasePorts(stale);
      }
    }
  }

  /** SIGTERM the process group, SIGKILL after `graceMs` (default STOP_GRACE_MS). */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    const pid = this.pid;
    if (pid !== null && (pidAlive(pid) || groupAlive(pid))) await killGroup(pid, graceMs);
    if (this.proc && this.proc.exitCode() === undefined) {
      // Our own child: wait until Node has reaped it.
      await Promise.race([this.proc.exited, sleep(2000)]);
    }
    this.proc = undefined;
    this.pid = null;
  }
}
