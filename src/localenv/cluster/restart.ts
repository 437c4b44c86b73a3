import { join } from 'node:path';
import { PlinthError, errorMessage } from '../../errors/index.js';
import { ensureBinaries, type KubeVersionName } from '../build/index.js';
import { Api, type Tls } from './api.js';
import { pkiPaths, tlsMaterial } from './certs.js';
import { DEFAULT_NODE_LEASE_SECONDS, portsOf, type Layout } from './components.js';
import { moveTakenPorts, rewriteKubeconfigs } from './kept-ports.js';
import { nodesNotYet } from './nodes.js';
import { etcdHealthy, NotReady, ProcessExited, waitFor } from './readiness.js';
import { ComponentRunner, lastError } from './runner.js';
import { defaultStateDir, isLive, killAll, readRecord, validName, writeRecord } from './state.js';
import { COMPONENTS, type ClusterRecord, type ComponentName } from './types.js';

export interface RestartOptions {
  /** Default `<cacheDir>/clusters/<name>`. */
  stateDir?: string;
  /** Refuse when the kept cluster runs another Kubernetes build. */
  version?: KubeVersionName;
  onProgress?: (msg: string) => void;
}

function layoutOf(rec: ClusterRecord, bin: Layout['bin']): Layout {
  const p = (c: keyof ClusterRecord['components'], k: string): number => {
    const port = rec.components[c]?.ports[k];
    if (typeof port !== 'number') throw new PlinthError('INVALID_ARGUMENT', { what: 'cluster record', detail: `${rec.stateDir}/cluster.json has no ${c} ${k} port`, fix: 'start the cluster afresh with `plinth up`' });
    return port;
  };
  return {
    name: rec.name,
    stateDir: rec.stateDir,
    bin,
    pki: pkiPaths(join(rec.stateDir, 'pki')),
    ports: {
      etcdClient: p('etcd', 'client'),
      etcdPeer: p('etcd', 'peer'),
      apiserver: p('kube-apiserver', 'secure'),
      controllerManager: p('kube-controller-manager', 'secure'),
      scheduler: p('kube-scheduler', 'secure'),
      kwok: p('kwok', 'http'),
    },
    kubeconfigs: {
      controllerManager: join(rec.stateDir, 'kubeconfigs', 'controller-manager.kubeconfig'),
      scheduler: join(rec.stateDir, 'kubeconfigs', 'scheduler.kubeconfig'),
      kwok: join(rec.stateDir, 'kubeconfigs', 'kwok.kubeconfig'),
    },
    kwokConfig: join(rec.stateDir, 'kwok', 'kwok.yaml'),
    apiserverArgs: rec.apiserverArgs ?? [],
    controllerManagerArgs: rec.controllerManagerArgs ?? [],
    nodeLeaseSeconds: rec.nodeLeaseSeconds ?? DEFAULT_NODE_LEASE_SECONDS,
    ...(rec.goGC === undefined ? {} : { goGC: rec.goGC }),
    ...(rec.member ? { member: true } : {}),
    ...(rec.sharedEtcd ? { sharedEtcd: true, etcdPrefix: rec.sharedEtcd.prefix } : {}),
  };
}

/** What restartCluster() started (or found running). */
export interface RestartedCluster {
  name: string;
  version: string;
  stateDir: string;
  kubeconfigPath: string;
  server: string;
  /** It was already running: nothing was started. */
  reused: boolean;
}

async function startFailure(c: ComponentName, runner: ComponentRunner, cluster: string, err: unknown): Promise<PlinthError> {
  let detail: string;
  if (err instanceof ProcessExited) detail = `exited (${err.code}): ${await lastError(runner.log)}`;
  else if (err instanceof NotReady) detail = `${err.message}; ${await lastError(runner.log)}`;
  else detail = errorMessage(err);
  return new PlinthError('CLUSTER_START_FAILED', { cluster, component: c, detail, log: runner.log }, { cause: err });
}

/**
 * A new kwok process would wait for the old one's node leases to expire (40 s) before simulating
 * those nodes again; deleting them lets it take over at once (as LocalCluster.startComponent does).
 */
async function releaseNodeLeases(api: Api): Promise<void> {
  const path = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
  const leases = await api.get<{ items: { metadata: { name: string } }[] }>(path).catch(() => ({ items: [] }));
  await Promise.all(leases.items.map((l) => api.delete(`${path}/${l.metadata.name}`).catch(() => undefined)));
}

/** A member on a shared etcd starts no etcd of its own: the shared one must be running (the stack starts it first). */
async function waitShared(shared: NonNullable<ClusterRecord['sharedEtcd']>, cluster: string): Promise<void> {
  try {
    await waitFor(() => etcdHealthy(shared.endpoint), { timeoutMs: 10_000 });
  } catch (err) {
    throw new PlinthError(
      'CLUSTER_START_FAILED',
      { cluster, component: 'etcd (shared)', detail: `${shared.endpoint} does not answer: ${errorMessage(err)}`, log: join(shared.stateDir, 'logs', 'etcd.log') },
      { cause: err },
    );
  }
}

/**
 * Start a cluster that was stopped with its data kept (`stopCluster(name, { keepData: true })`)
 * again, detached, on the same ports, certificates and etcd data: clients keep their kubeconfig.
 * A port other than etcd's that another process took meanwhile moves to a free one (the
 * kubeconfigs are rewritten when the API server's moves).
 * Already running: returns at once. Resolves when every component is ready and every node Ready.
 * On failure nothing is left running and the data stays (CLUSTER_START_FAILED names the log).
 * Uses the component runners directly (not LocalCluster) so that a `plinth local start` process
 * does not load the Kubernetes client library: seconds saved on every rollback.
 */
export async function restartCluster(name: string, opts: RestartOptions = {}): Promise<RestartedCluster> {
  if (!opts.stateDir && !validName(name)) throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: name });
  const stateDir = opts.stateDir ?? defaultStateDir(name);
  const rec = await readRecord(stateDir);
  if (!rec) throw new PlinthError('UPGRADE_SWITCH_NO_KEPT_CLUSTER', { cluster: name, stateDir });
  if (opts.version && rec.versionName !== opts.version) {
    throw new PlinthError('INVALID_ARGUMENT', {
      what: '--kube-version',
      detail: `the kept cluster "${name}" runs ${rec.versionName} (${rec.version}), not ${opts.version}`,
      fix: `drop --kube-version or pass ${rec.versionName}`,
    });
  }
  const progress = (m: string): void => opts.onProgress?.(m);
  const result = (reused: boolean, server = rec.server): RestartedCluster => ({ name: rec.name, version: rec.version, stateDir, kubeconfigPath: rec.kubeconfig, server, reused });
  if (isLive(rec)) {
    progress(`local cluster ${name} is already running`);
    return result(true);
  }
  // Leftovers of a half-stopped run must not hold the ports.
  await killAll(stateDir, rec);
  const bin = await ensureBinaries(rec.versionName as KubeVersionName);
  const record: ClusterRecord = { ...rec, version: bin.version, ownerPid: process.pid, detached: true, removeStateOnStop: false, watchdogPid: null, phase: 'starting', startedAt: new Date().toISOString() };
  const layout = layoutOf(record, bin);
  // Same ports where they are free; one taken while the cluster was stopped moves (etcd's never do).
  for (const m of await moveTakenPorts(layout)) progress(`port ${m.from} (${m.port}) is taken: using ${m.to}`);
  const tls: Tls = await tlsMaterial(pkiPaths(join(stateDir, 'pki')), 'admin');
  const runners = Object.fromEntries(COMPONENTS.map((c) => [c, new ComponentRunner(c, layout, () => tls)])) as Record<ComponentName, ComponentRunner>;
  let writes: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    for (const c of COMPONENTS) {
      record.components[c].pid = runners[c].pid;
      record.components[c].ports = portsOf(c, layout);
    }
    record.server = `https://127.0.0.1:${layout.ports.apiserver}`;
    const snapshot = JSON.parse(JSON.stringify(record)) as ClusterRecord;
    writes = writes.catch(() => undefined).then(() => writeRecord(snapshot));
    return writes;
  };
  const launch = async (c: ComponentName): Promise<void> => {
    const t = Date.now();
    progress(`starting ${c}`);
    try {
      await runners[c].start(() => save(), c !== 'etcd');
    } catch (err) {
      throw await startFailure(c, runners[c], name, err);
    }
    progress(`${c} ready (${((Date.now() - t) / 1000).toFixed(1)}s)`);
  };
  const t0 = Date.now();
  try {
    if (rec.sharedEtcd) await waitShared(rec.sharedEtcd, name);
    else await launch('etcd');
    await launch('kube-apiserver');
    if (record.server !== rec.server) {
      progress(`the API server moved from ${rec.server} to ${record.server}: rewriting the kubeconfigs`);
      await rewriteKubeconfigs(record, layout);
    }
    const api = new Api(record.server, tls);
    await releaseNodeLeases(api);
    await Promise.all([launch('kube-controller-manager'), launch('kube-scheduler'), launch('kwok')]);
    const nodes = await api.get<{ items: { metadata: { name: string } }[] }>('/api/v1/nodes');
    const names = nodes.items.map((n) => n.metadata.name);
    await waitFor(
      async () => {
        const missing = await nodesNotYet(api, names, 'True');
        return missing.length === 0 ? true : `waiting for ${missing.join(', ')} to be Ready`;
      },
      { timeoutMs: 60_000, exited: () => (runners.kwok.running() ? undefined : 'kwok exited') },
    ).catch(async (err: unknown) => {
      throw await startFailure('kwok', runners.kwok, name, err);
    });
    record.phase = 'running';
    await save();
    progress(`cluster ${name} (${bin.version}) restarted in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${record.server}`);
    return result(false, record.server);
  } catch (err) {
    await Promise.all(COMPONENTS.map((c) => runners[c].stop().catch(() => undefined)));
    record.phase = 'failed';
    await save().catch(() => undefined);
    if (err instanceof PlinthError) throw err;
    throw new PlinthError(
      'CLUSTER_START_FAILED',
      { cluster: name, component: 'restart', detail: errorMessage(err), log: join(stateDir, 'logs') },
      { cause: err },
    );
  }
}
