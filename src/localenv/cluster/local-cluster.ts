import { rm } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { PlinthError, errorMessage } from '../../errors/index.js';
import { logger } from '../../kube/log.js';
import { Api, ApiError, type Tls } from './api.js';
import { portsOf, type Layout } from './components.js';
import { compactEtcd } from './etcd.js';
import { createNodes, nodesNotYet, setNodeKubeletVersion, setNodeReady } from './nodes.js';
import { NotReady, ProcessExited, waitFor } from './readiness.js';
import { ComponentRunner, lastError } from './runner.js';
import { killAll, writeRecord } from './state.js';
import { COMPONENTS, type ClusterRecord, type ComponentName, type LocalCluster } from './types.js';
import type { Watchdog } from './watchdog.js';
import { killGroupNow } from './process.js';
import { releasePorts } from './ports.js';
import { KubeClient } from '../../kube/http.js';
import { runKwokImageReporter } from './kwok/image-reporter.js';

const log = logger('localenv-cluster');

const CLIENTS: ComponentName[] = ['kwok', 'kube-scheduler', 'kube-controller-manager'];

/** Clusters of this process that must die with it (see installExitHook). */
const owned = new Set<LocalClusterImpl>();
let exitHookInstalled = false;

/**
 * Normal exit of this process without stop(): signal the clusters right away (the watchdog
 * would too, a moment later). Death by signal skips 'exit' handlers; the watchdog covers that.
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of owned) c.killNow();
  });
}

export interface ClusterShape {
  zones: number;
  cellsPerZone: number;
}

export class LocalClusterImpl implements LocalCluster {
  readonly name: string;
  readonly version: string;
  readonly stateDir: string;
  readonly kubeconfigPath: string;
  readonly runners: Record<ComponentName, ComponentRunner>;
  kubeConfig: KubeConfig = new KubeConfig();
  api: Api | undefined;
  tls: Tls | undefined;
  watchdog: Watchdog | undefined;
  private stopped = false;
  private imageReporter: { stop: AbortController; done: Promise<void> } | undefined;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    readonly record: ClusterRecord,
    readonly layout: Layout,
    private readonly shape: ClusterShape,
    private readonly progress: (msg: string) => void,
  ) {
    this.name = record.name;
    this.version = record.version;
    this.stateDir = record.stateDir;
    this.kubeconfigPath = record.kubeconfig;
    const adminTls = (): Tls => {
      if (!this.tls) throw new Error('cluster TLS material not loaded yet');
      return this.tls;
    };
    this.runners = Object.fromEntries(COMPONENTS.map((c) => [c, new ComponentRunner(c, layout, adminTls)])) as Record<
      ComponentName,
      ComponentRunner
    >;
    if (!record.detached) {
      owned.add(this);
      installExitHook();
    }
  }

  get server(): string {
    return `https://127.0.0.1:${this.layout.ports.apiserver}`;
  }

  get etcdEndpoint(): string {
    return `http://127.0.0.1:${this.layout.ports.etcdClient}`;
  }

  /** Persist cluster.json (pids, ports, phase); writes are serialized. */
  saveRecord(): Promise<void> {
    const rec = this.record;
    rec.server = this.server;
    rec.etcdEndpoint = this.etcdEndpoint;
    for (const c of COMPONENTS) {
      rec.components[c].pid = this.runners[c].pid;
      rec.components[c].ports = portsOf(c, this.layout);
    }
    const snapshot = JSON.parse(JSON.stringify(rec)) as ClusterRecord;
    this.writes = this.writes.catch(() => undefined).then(() => writeRecord(snapshot));
    return this.writes;
  }

  private adminApi(): Api {
    if (!this.api) throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: this.name });
    return this.api;
  }

  /** Start one component and wait for it; failures become CLUSTER_START_FAILED. */
  async launch(c: ComponentName, mayMovePorts: boolean): Promise<void> {
    const t0 = Date.now();
    this.progress(`starting ${c}`);
    try {
      await this.runners[c].start(() => this.saveRecord(), mayMovePorts);
    } catch (err) {
      throw await this.startFailure(c, err);
    }
    await this.saveRecord();
    this.progress(`${c} ready (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  }

  async startFailure(c: ComponentName, err: unknown): Promise<PlinthError> {
    const log = this.runners[c].log;
    let detail: string;
    if (err instanceof ProcessExited) detail = `exited (${err.code}): ${await lastError(log)}`;
    else if (err instanceof NotReady) detail = `${err.message}; ${await lastError(log)}`;
    else detail = errorMessage(err);
    return new PlinthError('CLUSTER_START_FAILED', { cluster: this.name, component: c, detail, log }, { cause: err });
  }

  /**
   * Report images pulled by pull pods in the simulated nodes' status.images, for as long as this process owns the
   * cluster (kwok/image-reporter.ts: the part of a kubelet's work a kwok stage cannot do).
   */
  startImageReporter(): void {
    if (this.imageReporter) return;
    const stop = new AbortController();
    const done = (async () => runKwokImageReporter(await KubeClient.fromKubeConfig(this.kubeConfig), stop.signal))().catch((err: unknown) => {
      log.warn({ err, cluster: this.name }, 'the simulated image reporter stopped');
    });
    this.imageReporter = { stop, done };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    owned.delete(this);
    this.imageReporter?.stop.abort();
    await this.imageReporter?.done;
    // Everything but etcd in parallel, then etcd (an API server whose etcd is gone is even
    // slower to exit).
    await Promise.all([...CLIENTS, 'kube-apiserver' as const].map((c) => this.runners[c].stop()));
    await this.runners.etcd.stop();
    await killAll(this.stateDir, this.record);
    // A shared etcd's port is not this cluster's to release.
    const { etcdClient, etcdPeer, ...own } = this.layout.ports;
    await releasePorts(this.layout.sharedEtcd ? Object.values(own) : [etcdClient, etcdPeer, ...Object.values(own)]);
    if (this.record.phase !== 'failed') this.record.phase = 'stopped';
    if (this.record.removeStateOnStop) {
      await this.writes.catch(() => undefined);
      this.watchdog?.dismiss();
      await rm(this.stateDir, { recursive: true, force: true });
    } else {
      await this.saveRecord().catch(() => undefined);
      this.watchdog?.dismiss();
    }
    log.debug({ cluster: this.name }, 'local cluster stopped');
  }

  /** Synchronous best effort for process exit: SIGTERM every component group. */
  killNow(): void {
    for (const c of COMPONENTS) {
      const pid = this.runners[c].pid;
      if (pid) killGroupNow(pid, 'SIGTERM');
    }
  }

  async stopComponent(c: ComponentName, opts: { graceMs?: number } = {}): Promise<void> {
    this.assertNotStopped();
    await this.runners[c].stop(opts.graceMs);
    await this.saveRecord();
  }

  async startComponent(c: ComponentName): Promise<void> {
    this.assertNotStopped();
    if (this.runners[c].running()) return;
    if (c === 'kwok') await this.releaseNodeLeases();
    await this.launch(c, false);
  }

  /**
   * A new kwok process has a new identity and would wait for the old one's node leases to expire
   * (40 s) before simulating those nodes again. Deleting them lets it take over at once.
   */
  private async releaseNodeLeases(): Promise<void> {
    try {
      const api = this.adminApi();
      const leases = await api.get<{ items: { metadata: { name: string } }[] }>('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases');
      await Promise.all(
        leases.items.map((l) =>
          api.delete(`/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${l.metadata.name}`).catch(() => undefined),
        ),
      );
    } catch (err) {
      log.warn({ err, cluster: this.name }, 'could not release node leases before restarting kwok');
    }
  }

  async compactEtcd(): Promise<void> {
    this.assertNotStopped();
    await compactEtcd(this.etcdEndpoint);
  }

  async addNodes(n: number, opts: { zone?: string } = {}): Promise<string[]> {
    this.assertNotStopped();
    const names = await createNodes(this.adminApi(), n, {
      zones: this.shape.zones,
      cellsPerZone: this.shape.cellsPerZone,
      zone: opts.zone,
      kubeletVersion: this.version,
      ...(this.record.nodeLabels ? { labels: this.record.nodeLabels } : {}),
    });
    await this.waitNodes(names, 'True');
    return names;
  }

  /** Wait until the given nodes report Ready=want. */
  async waitNodes(names: readonly string[], want: 'True' | 'False', timeoutMs = 60_000): Promise<void> {
    const api = this.adminApi();
    try {
      await waitFor(
        async () => {
          const missing = await nodesNotYet(api, names, want);
          return missing.length === 0 ? true : `waiting for ${missing.join(', ')}`;
        },
        { timeoutMs, exited: () => (this.runners.kwok.running() ? undefined : 'kwok not running') },
      );
    } catch (err) {
      throw new PlinthError(
        'TIMEOUT',
        { seconds: Math.round(timeoutMs / 1000), what: `nodes ${names.join(', ')} to be Ready=${want}`, fix: `see ${this.runners.kwok.log}` },
        { cause: err },
      );
    }
  }

  async setNodeReady(node: string, ready: boolean): Promise<void> {
    this.assertNotStopped();
    await setNodeReady(this.adminApi(), node, ready);
  }

  async setNodeKubeletVersion(node: string, version: string): Promise<void> {
    this.assertNotStopped();
    await setNodeKubeletVersion(this.adminApi(), node, version);
  }

  /** Wait until the `default` ServiceAccount exists in `default` (pods can be created). */
  async waitDefaultServiceAccount(): Promise<void> {
    const api = this.adminApi();
    await waitFor(
      async () => {
        try {
          await api.get('/api/v1/namespaces/default/serviceaccounts/default');
          return true;
        } catch (err) {
          if (err instanceof ApiError && err.status === 404) return 'no default ServiceAccount yet';
          throw err;
        }
      },
      { timeoutMs: 60_000, exited: () => (this.runners['kube-controller-manager'].running() ? undefined : 'exited') },
    );
  }

  private assertNotStopped(): void {
    if (this.stopped) throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: this.name });
  }
}
