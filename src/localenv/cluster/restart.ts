import { join } from 'node:path';
import { PlinthError } from '../../errors/index.js';
import { ensureBinaries, type KubeVersionName } from '../build/index.js';
import { Api } from './api.js';
import { pkiPaths, tlsMaterial } from './certs.js';
import type { Layout } from './components.js';
import { LocalClusterImpl } from './local-cluster.js';
import { defaultStateDir, isLive, killAll, readRecord, validName } from './state.js';
import { type ClusterRecord, type LocalCluster } from './types.js';

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
  };
}

/**
 * Start a cluster that was stopped with its data kept (`stopCluster(name, { keepData: true })`)
 * again, detached, on the same ports, certificates and etcd data: clients keep their kubeconfig.
 * Already running: returns at once. Resolves when every component is ready and every node Ready.
 * On failure nothing is left running and the data stays (CLUSTER_START_FAILED names the log).
 */
export async function restartCluster(name: string, opts: RestartOptions = {}): Promise<LocalCluster & { reused: boolean }> {
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
  const alreadyLive = isLive(rec);
  // Leftovers of a half-stopped run must not hold the ports.
  if (!alreadyLive) await killAll(stateDir, rec);
  const bin = await ensureBinaries(rec.versionName as KubeVersionName);
  const record: ClusterRecord = alreadyLive
    ? rec
    : {
        ...rec,
        version: bin.version,
        ownerPid: process.pid,
        detached: true,
        removeStateOnStop: false,
        watchdogPid: null,
        phase: 'starting',
        startedAt: new Date().toISOString(),
      };
  const layout = layoutOf(record, bin);
  const cluster = new LocalClusterImpl(record, layout, record.shape ?? { zones: 3, cellsPerZone: 1 }, progress);
  const pki = pkiPaths(join(stateDir, 'pki'));
  cluster.tls = await tlsMaterial(pki, 'admin');
  cluster.kubeConfig.loadFromFile(record.kubeconfig);
  cluster.api = new Api(cluster.server, cluster.tls);
  if (alreadyLive) {
    progress(`local cluster ${name} is already running`);
    return Object.assign(cluster, { reused: true });
  }
  const t0 = Date.now();
  try {
    await cluster.launch('etcd', false);
    await cluster.launch('kube-apiserver', false);
    await Promise.all([cluster.launch('kube-controller-manager', false), cluster.launch('kube-scheduler', false), cluster.startComponent('kwok')]);
    const nodes = await cluster.api.get<{ items: { metadata: { name: string } }[] }>('/api/v1/nodes');
    await cluster.waitNodes(
      nodes.items.map((n) => n.metadata.name),
      'True',
    );
    record.phase = 'running';
    await cluster.saveRecord();
    progress(`cluster ${name} (${bin.version}) restarted in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${cluster.server}`);
    return Object.assign(cluster, { reused: false });
  } catch (err) {
    record.phase = 'failed';
    await cluster.stop().catch(() => undefined);
    if (err instanceof PlinthError) throw err;
    throw new PlinthError(
      'CLUSTER_START_FAILED',
      { cluster: name, component: 'restart', detail: err instanceof Error ? err.message : String(err), log: join(stateDir, 'logs') },
      { cause: err },
    );
  }
}
