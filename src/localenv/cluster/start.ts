import { randomBytes } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PlinthError, errorMessage } from '../../errors/index.js';
import { logger } from '../../kube/log.js';
import { ensureBinaries, type Binaries } from '../build/index.js';
import { Api, type Tls } from './api.js';
import { createPki, pkiPaths, tlsMaterial, type Pki } from './certs.js';
import { DEFAULT_NODE_LEASE_SECONDS, logFile, portsOf, type Layout } from './components.js';
import { KWOK_DEFAULTS, pullMsFromEnv, writeKwokConfig } from './kwok/config.js';
import { writeKubeconfig } from './kubeconfig.js';
import { LocalClusterImpl, type ClusterShape } from './local-cluster.js';
import { createNodes } from './nodes.js';
import { pidAlive } from '../../kube/proc.js';
import { freePorts } from './ports.js';
import { cleanStale, defaultStateDir, isLive, readRecord, RECORD_FILE, validName } from './state.js';
import { MAX_ZONES } from './topology.js';
import { MEMBER_DEFAULT_NODES, MEMBER_GOGC, MEMBER_NODE_LEASE_SECONDS, memberEtcdPrefix } from './member.js';
import { etcdHealthy, waitFor } from './readiness.js';
import { COMPONENTS, type ClusterOptions, type ClusterRecord, type ComponentRecord, type ComponentName, type LocalCluster } from './types.js';
import { startWatchdog } from './watchdog.js';

const log = logger('localenv-cluster');

/** Entries a state dir may hold; anything else means it is not ours and must not be wiped. */
const OWN_ENTRIES = new Set([
  RECORD_FILE, 'kubeconfig', 'pki', 'kubeconfigs', 'kwok', 'etcd', 'logs', 'apiserver', 'controller-manager', 'scheduler', 'watchdog.cjs',
]);

function invalid(what: string, detail: string, fix: string): PlinthError {
  return new PlinthError('INVALID_ARGUMENT', { what, detail, fix });
}

function checkOptions(o: ClusterOptions): { nodes: number; zones: number; cellsPerZone: number } {
  const nodes = o.nodes ?? (o.member ? MEMBER_DEFAULT_NODES : 3);
  const zones = o.zones ?? (o.member ? 1 : 3);
  const cellsPerZone = o.cellsPerZone ?? 1;
  if (!Number.isInteger(nodes) || nodes < 0) throw invalid('nodes', String(nodes), 'give a whole number >= 0');
  if (!Number.isInteger(zones) || zones < 1 || zones > MAX_ZONES) throw invalid('zones', String(zones), `give 1..${MAX_ZONES}`);
  if (!Number.isInteger(cellsPerZone) || cellsPerZone < 1) throw invalid('cellsPerZone', String(cellsPerZone), 'give a whole number >= 1');
  if (o.nodeLeaseSeconds !== undefined && (!Number.isInteger(o.nodeLeaseSeconds) || o.nodeLeaseSeconds < 10 || o.nodeLeaseSeconds > 3600)) {
    throw invalid('nodeLeaseSeconds', String(o.nodeLeaseSeconds), 'give whole seconds, 10..3600 (a kubelet uses 40)');
  }
  if (o.goGC !== undefined && (!Number.isInteger(o.goGC) || o.goGC < 10 || o.goGC > 10_000)) {
    throw invalid('goGC', String(o.goGC), 'give a whole percentage, 10..10000 (Go defaults to 100)');
  }
  if (o.name !== undefined && !validName(o.name)) {
    throw invalid('cluster name', o.name, 'use lowercase letters, digits and dashes (at most 42 characters)');
  }
  return { nodes, zones, cellsPerZone };
}

/** Refuse a live cluster of the same name; wipe what a dead one left behind. */
async function prepareStateDir(name: string, stateDir: string, progress: (m: string) => void): Promise<void> {
  const rec = await readRecord(stateDir);
  // Live, or being started right now by another live process (owner and its watchdog alive).
  const startingElsewhere =
    rec?.phase === 'starting' && rec.ownerPid !== process.pid && pidAlive(rec.ownerPid) && (rec.detached || pidAlive(rec.watchdogPid));
  if (rec && (isLive(rec) || startingElsewhere)) {
    throw new PlinthError('CLUSTER_ALREADY_RUNNING', { cluster: name, kubeconfig: rec.kubeconfig });
  }
  let entries: string[] = [];
  try {
    entries = await readdir(stateDir);
  } catch {
    /* does not exist yet */
  }
  // A cluster.json marks the directory as ours (others may add files, e.g. the manager's);
  // without one, only our own entries may be there: never wipe a directory someone else uses.
  const foreign = entries.filter((e) => !OWN_ENTRIES.has(e) && !e.startsWith(`${RECORD_FILE}.`));
  if (!rec && foreign.length > 0) {
    throw invalid('stateDir', `${stateDir} holds files that are not a Plinth cluster's (${foreign.slice(0, 3).join(', ')})`, 'pass an empty or new directory');
  }
  if (entries.length > 0) {
    progress(`cleaning up stale state of cluster ${name} in ${stateDir}`);
    log.debug({ cluster: name, stateDir, phase: rec?.phase }, 'cleaning stale local cluster state');
    await cleanStale(stateDir);
  }
  await mkdir(join(stateDir, 'logs'), { recursive: true });
  await mkdir(join(stateDir, 'kubeconfigs'), { recursive: true });
  await mkdir(join(stateDir, 'kwok'), { recursive: true });
}

async function binariesFor(o: ClusterOptions, progress: (m: string) => void): Promise<Binaries> {
  if (o.binaries) return o.binaries;
  let last = '';
  return ensureBinaries(o.version ?? 'new', {
    onProgress: (p) => {
      const msg = `building ${p.component} ${p.version}: ${p.step} [${p.done}/${p.total}]`;
      if (msg !== last) progress(msg);
      last = msg;
    },
  });
}

/** Names and paths a new cluster gets from its options. */
function identify(opts: ClusterOptions): { name: string; stateDir: string; versionName: 'old' | 'new' } {
  const name = opts.name ?? `plinth-${randomBytes(3).toString('hex')}`;
  return { name, stateDir: resolve(opts.stateDir ?? defaultStateDir(name)), versionName: opts.version ?? 'new' };
}

/** The client port of a shared etcd's endpoint (http://127.0.0.1:<port>). */
function sharedEtcdPort(endpoint: string): number {
  const port = Number(new URL(endpoint).port);
  if (!Number.isInteger(port) || port <= 0) throw invalid('sharedEtcd', endpoint, 'give the endpoint startSharedEtcd() returned (http://127.0.0.1:<port>)');
  return port;
}

/** Draw (and reserve) six free loopback ports (four with a shared etcd) and lay out every file of the cluster in its state dir. */
async function reservePortsAndLayout(name: string, stateDir: string, bin: Binaries, opts: ClusterOptions): Promise<Layout> {
  const shared = opts.sharedEtcd;
  const own = shared ? [] : await freePorts(2);
  const [etcdClient = 0, etcdPeer = 0] = shared ? [sharedEtcdPort(shared.endpoint), 0] : own;
  const [apiserver = 0, controllerManager = 0, scheduler = 0, kwok = 0] = await freePorts(4, new Set([etcdClient]));
  const goGC = opts.goGC ?? (opts.member ? MEMBER_GOGC : undefined);
  return {
    name,
    stateDir,
    bin,
    pki: pkiPaths(join(stateDir, 'pki')),
    ports: { etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok },
    kubeconfigs: {
      controllerManager: join(stateDir, 'kubeconfigs', 'controller-manager.kubeconfig'),
      scheduler: join(stateDir, 'kubeconfigs', 'scheduler.kubeconfig'),
      kwok: join(stateDir, 'kubeconfigs', 'kwok.kubeconfig'),
    },
    kwokConfig: join(stateDir, 'kwok', 'kwok.yaml'),
    apiserverArgs: opts.apiserverArgs ?? [],
    controllerManagerArgs: opts.controllerManagerArgs ?? [],
    nodeLeaseSeconds: opts.nodeLeaseSeconds ?? (opts.member ? MEMBER_NODE_LEASE_SECONDS : DEFAULT_NODE_LEASE_SECONDS),
    ...(goGC === undefined ? {} : { goGC }),
    ...(opts.member ? { member: true } : {}),
    ...(shared ? { sharedEtcd: true, etcdPrefix: memberEtcdPrefix(name) } : {}),
  };
}

/** The cluster.json of a cluster about to start: enough for any process to find, stop or restart it. */
function startingRecord(
  layout: Layout,
  versionName: string,
  shape: ClusterShape & { nodes: number },
  opts: ClusterOptions,
): ClusterRecord {
  const { name, stateDir, bin } = layout;
  const detached = opts.detached ?? false;
  return {
    name,
    versionName,
    version: bin.version,
    stateDir,
    kubeconfig: join(stateDir, 'kubeconfig'),
    server: `https://127.0.0.1:${layout.ports.apiserver}`,
    etcdEndpoint: `http://127.0.0.1:${layout.ports.etcdClient}`,
    ownerPid: process.pid,
    detached,
    removeStateOnStop: !(opts.keepStateDir ?? false),
    watchdogPid: null,
    startedAt: new Date().toISOString(),
    phase: 'starting',
    components: Object.fromEntries(
      COMPONENTS.map((c): [ComponentName, ComponentRecord] => [c, { pid: null, ports: portsOf(c, layout), log: logFile(stateDir, c) }]),
    ) as Record<ComponentName, ComponentRecord>,
    apiserverArgs: [...layout.apiserverArgs],
    controllerManagerArgs: [...layout.controllerManagerArgs],
    nodeLeaseSeconds: layout.nodeLeaseSeconds,
    ...(layout.goGC === undefined ? {} : { goGC: layout.goGC }),
    shape: { zones: shape.zones, cellsPerZone: shape.cellsPerZone },
    ...(layout.member ? { member: true } : {}),
    ...(opts.nodeLabels ? { nodeLabels: { ...opts.nodeLabels } } : {}),
    ...(opts.sharedEtcd && layout.etcdPrefix
      ? { sharedEtcd: { endpoint: opts.sharedEtcd.endpoint, stateDir: resolve(opts.sharedEtcd.stateDir), prefix: layout.etcdPrefix } }
      : {}),
  };
}

/** A cluster that is not detached dies with this process, however it dies: start its watchdog (ADR 0002). */
async function watchOwnerUnlessDetached(cluster: LocalClusterImpl): Promise<void> {
  if (cluster.record.detached) return;
  cluster.watchdog = await startWatchdog(cluster.stateDir);
  cluster.record.watchdogPid = cluster.watchdog.pid;
}

/** Certificates, kwok's configuration and etcd at once (etcd needs neither); then the admin's TLS material. */
async function writeCertsAndStartEtcd(
  cluster: LocalClusterImpl,
  nodes: number,
  opts: ClusterOptions,
  progress: (m: string) => void,
): Promise<{ pki: Pki; tls: Tls }> {
  const { layout } = cluster;
  progress(`generating certificates for ${cluster.name}`);
  const kwokOpts = opts.kwok ?? {};
  const [pki] = await Promise.all([
    createPki(layout.pki.dir, cluster.name),
    writeKwokConfig(layout.kwokConfig, {
      kubeletVersion: layout.bin.version,
      inPlaceDelayMs: kwokOpts.inPlaceDelayMs ?? KWOK_DEFAULTS.inPlaceDelayMs,
      podStartDelayMs: kwokOpts.podStartDelayMs ?? KWOK_DEFAULTS.podStartDelayMs,
      podStopDelayMs: kwokOpts.podStopDelayMs ?? KWOK_DEFAULTS.podStopDelayMs,
      jobRunMs: KWOK_DEFAULTS.jobRunMs,
      pullMs: kwokOpts.pullMs ?? pullMsFromEnv(),
      nodeHeartbeatMs: KWOK_DEFAULTS.nodeHeartbeatMs,
      nodeCount: nodes,
      nodeLeaseSeconds: layout.nodeLeaseSeconds,
    }),
    layout.sharedEtcd ? waitSharedEtcd(cluster) : cluster.launch('etcd', true),
  ]);
  const tls = await tlsMaterial(pki, 'admin');
  cluster.tls = tls;
  return { pki, tls };
}

/** A member on a shared etcd starts none: that etcd must answer. */
async function waitSharedEtcd(cluster: LocalClusterImpl): Promise<void> {
  const endpoint = cluster.record.sharedEtcd?.endpoint ?? cluster.etcdEndpoint;
  try {
    await waitFor(() => etcdHealthy(endpoint), { timeoutMs: 10_000 });
  } catch (err) {
    throw new PlinthError(
      'CLUSTER_START_FAILED',
      { cluster: cluster.name, component: 'etcd (shared)', detail: `${endpoint} does not answer: ${errorMessage(err)}`, log: cluster.record.sharedEtcd?.stateDir ?? '' },
      { cause: err },
    );
  }
}

/** The API server (its port may move if taken), then the kubeconfigs that name its final address. */
async function startApiServer(cluster: LocalClusterImpl, pki: Pki, tls: Tls): Promise<Api> {
  await cluster.launch('kube-apiserver', true);
  const { server, name, record, layout } = cluster;
  await Promise.all([
    writeKubeconfig(record.kubeconfig, { clusterName: name, server, pki, who: 'admin' }),
    writeKubeconfig(layout.kubeconfigs.controllerManager, { clusterName: name, server, pki, who: 'controller-manager' }),
    writeKubeconfig(layout.kubeconfigs.scheduler, { clusterName: name, server, pki, who: 'scheduler' }),
    writeKubeconfig(layout.kubeconfigs.kwok, { clusterName: name, server, pki, who: 'kwok' }),
  ]);
  cluster.kubeConfig.loadFromFile(record.kubeconfig);
  cluster.api = new Api(server, tls);
  return cluster.api;
}

/** The rest in parallel: controllers, scheduler, kwok, and the nodes kwok will bring up. Returns the nodes' names. */
async function startControllersAndRegisterNodes(cluster: LocalClusterImpl, api: Api, shape: ClusterShape & { nodes: number }): Promise<string[]> {
  let nodeNames: string[] = [];
  await Promise.all([
    cluster.launch('kube-controller-manager', true),
    cluster.launch('kube-scheduler', true),
    cluster.launch('kwok', true),
    createNodes(api, shape.nodes, { ...shape, kubeletVersion: cluster.version, ...(cluster.record.nodeLabels ? { labels: cluster.record.nodeLabels } : {}) }).then((n) => {
      nodeNames = n;
    }),
  ]);
  return nodeNames;
}

/** Usable means pods can be created (the default ServiceAccount exists) and every node is Ready. */
async function waitUsable(cluster: LocalClusterImpl, nodeNames: string[]): Promise<void> {
  await Promise.all([
    cluster.waitDefaultServiceAccount().catch(async (err: unknown) => {
      throw await cluster.startFailure('kube-controller-manager', err);
    }),
    cluster.waitNodes(nodeNames, 'True').catch(async (err: unknown) => {
      throw await cluster.startFailure('kwok', err);
    }),
  ]);
}

/** After a failed start leave nothing running but keep the state dir (the error names a log in it). */
async function abandonFailedStart(cluster: LocalClusterImpl, err: unknown): Promise<PlinthError> {
  cluster.record.phase = 'failed';
  cluster.record.removeStateOnStop = false;
  await cluster.stop().catch((e: unknown) => log.warn({ err: e }, 'cleanup after failed start'));
  if (err instanceof PlinthError) return err;
  return new PlinthError(
    'CLUSTER_START_FAILED',
    { cluster: cluster.name, component: 'setup', detail: errorMessage(err), log: join(cluster.stateDir, 'logs') },
    { cause: err },
  );
}

/**
 * Start a local cluster: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok on
 * free loopback ports, with `nodes` simulated nodes spread over `zones` zones. Resolves when every
 * component is ready, the default ServiceAccount exists and every node is Ready. On failure
 * nothing is left running and a CLUSTER_START_FAILED names the component and its log.
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<LocalCluster> {
  const t0 = Date.now();
  const shape = checkOptions(opts);
  const { name, stateDir, versionName } = identify(opts);
  const progress = (m: string): void => {
    log.debug({ cluster: name }, m);
    opts.onProgress?.(m);
  };
  const bin = await binariesFor(opts, progress);
  await prepareStateDir(name, stateDir, progress);
  const layout = await reservePortsAndLayout(name, stateDir, bin, opts);
  const record = startingRecord(layout, versionName, shape, opts);
  const cluster = new LocalClusterImpl(record, layout, shape, progress);
  await cluster.saveRecord();

  try {
    await watchOwnerUnlessDetached(cluster);
    const { pki, tls } = await writeCertsAndStartEtcd(cluster, shape.nodes, opts, progress);
    const api = await startApiServer(cluster, pki, tls);
    const nodeNames = await startControllersAndRegisterNodes(cluster, api, shape);
    await waitUsable(cluster, nodeNames);
    if (nodeNames.length > 0) progress(`${nodeNames.length} nodes Ready over ${Math.min(shape.zones, nodeNames.length)} zones`);
    record.phase = 'running';
    await cluster.saveRecord();
    if (!record.detached) cluster.startImageReporter();
    progress(`cluster ${name} (${bin.version}) ready in ${((Date.now() - t0) / 1000).toFixed(1)}s: ${cluster.server}`);
    return cluster;
  } catch (err) {
    throw await abandonFailedStart(cluster, err);
  }
}
