import type { KubeConfig } from '@kubernetes/client-node';
import type { Binaries } from '../build/index.js';

/** The five processes of a local cluster, in start order. */
export const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok'] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/** Knobs of the simulated kubelet (kwok stages). */
export interface KwokOptions {
  /** Delay between an in-place image change and the restarted container reporting ready (default 500 ms). */
  inPlaceDelayMs?: number;
  /** Delay between a pod being bound to a node and its containers running (default 100 ms). */
  podStartDelayMs?: number;
  /** Delay between a pod getting a deletionTimestamp and the simulated kubelet deleting it (default 0). */
  podStopDelayMs?: number;
  /** How long a simulated image pull of an ImagePrewarm's pull pod takes (default PLINTH_KWOK_PULL_MS, else 2000 ms). */
  pullMs?: number;
}

export interface ClusterOptions {
  /** Cluster name: state dir, kubeconfig context. Default `plinth-<random>` (never collides). */
  name?: string;
  /** Which Kubernetes build to run (default 'new'). */
  version?: 'old' | 'new';
  /** Simulated nodes created at start (default 3). */
  nodes?: number;
  /** Zones the nodes are spread over, named zone-a, zone-b, ... (default 3, at most 26). */
  zones?: number;
  /** Cells per zone; nodes of a zone are spread over `<zone>-cell-1..k` (default 1). */
  cellsPerZone?: number;
  /** Labels added to every simulated node (they win over ours), e.g. `{'kubernetes.io/arch': 'arm64'}`: kwok then reports that architecture. */
  nodeLabels?: Record<string, string>;
  /** Where certs, kubeconfig, etcd data, logs and cluster.json live. Default `<cacheDir>/clusters/<name>`. */
  stateDir?: string;
  /** Extra kube-apiserver flags (appended, so they override ours). */
  apiserverArgs?: string[];
  /** Extra kube-controller-manager flags (appended). */
  controllerManagerArgs?: string[];
  /**
   * Duration of every simulated node's Lease, in seconds (default 40, a kubelet's). kwok renews each one every
   * quarter of it, and the node lifecycle controller's grace period is set to the same. At a scale where the
   * renewals crowd the API server (1,000 nodes: 100 writes/s at 40 s), a longer lease makes them fewer.
   */
  nodeLeaseSeconds?: number;
  /** GOGC of the Go processes (etcd, API server, controller manager, scheduler, kwok). Default: Go's own (100). */
  goGC?: number;
  kwok?: KwokOptions;
  /**
   * A light fleet member (src/localenv/cluster/member.ts): only the controllers a member needs, a lighter
   * API server, Go runtime limits (GOMAXPROCS=1, GOMEMLIMIT, GOGC 50 unless goGC), 1 node in 1 zone and
   * 300 s node leases unless nodes/zones/nodeLeaseSeconds say otherwise. Default false.
   */
  member?: boolean;
  /**
   * Store the cluster's data in this already running etcd (startSharedEtcd()) under the key prefix
   * `/plinth-members/<name>` instead of starting an etcd of its own. The cluster never stops that etcd.
   */
  sharedEtcd?: { endpoint: string; stateDir: string };
  /**
   * Leave the processes running when this Node process exits (`plinth up`). Default false: a
   * watchdog kills the cluster as soon as this process dies, even by SIGKILL.
   */
  detached?: boolean;
  /** Keep the state dir (logs, certs, etcd data) after stop(). Default false: stop() removes it. */
  keepStateDir?: boolean;
  /** Use these binaries instead of `ensureBinaries(version)`. */
  binaries?: Binaries;
  onProgress?: (msg: string) => void;
}

export interface LocalCluster {
  name: string;
  /** Kubernetes version of the binaries, e.g. v1.24.17. */
  version: string;
  stateDir: string;
  kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  server: string;
  kubeConfig: KubeConfig;
  /** http://127.0.0.1:<port> (plain HTTP, loopback only). */
  etcdEndpoint: string;
  /** Stop every process of the cluster (SIGTERM, then SIGKILL) and, unless keepStateDir, remove the state dir. */
  stop(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 1 s: Kubernetes components are slow to exit on SIGTERM). */
  stopComponent(c: ComponentName, opts?: { graceMs?: number }): Promise<void>;
  /** Restart a stopped component on the same ports and data; resolves when it is ready. */
  startComponent(c: ComponentName): Promise<void>;
  /** Compact etcd at its current revision. */
  compactEtcd(): Promise<void>;
  /** Create n more simulated nodes (spread over the zones with fewest nodes unless `zone` is given). */
  addNodes(n: number, opts?: { zone?: string }): Promise<string[]>;
  /** Make a node report Ready=True/False (kwok keeps reporting it until changed again). */
  setNodeReady(node: string, ready: boolean): Promise<void>;
  /** Make a node report another kubelet version, e.g. after a simulated kubelet upgrade. */
  setNodeKubeletVersion(node: string, version: string): Promise<void>;
}

/** One component process as recorded in cluster.json. */
export interface ComponentRecord {
  pid: number | null;
  /** Ports the component listens on (name -> port). */
  ports: Record<string, number>;
  log: string;
}

/** The content of `<stateDir>/cluster.json`: enough for another process to find and stop the cluster. */
export interface ClusterRecord {
  name: string;
  /** 'old' | 'new' */
  versionName: string;
  /** e.g. v1.24.17 */
  version: string;
  stateDir: string;
  kubeconfig: string;
  server: string;
  etcdEndpoint: string;
  /** The process that started the cluster. */
  ownerPid: number;
  detached: boolean;
  removeStateOnStop: boolean;
  /** The watchdog process (null when detached). */
  watchdogPid: number | null;
  startedAt: string;
  /** starting -> running -> stopped (or failed). */
  phase: 'starting' | 'running' | 'stopped' | 'failed';
  components: Record<ComponentName, ComponentRecord>;
  /** Extra flags and topology, recorded so that restartCluster() can start the same cluster again. */
  apiserverArgs?: string[];
  controllerManagerArgs?: string[];
  nodeLeaseSeconds?: number;
  goGC?: number;
  shape?: { zones: number; cellsPerZone: number };
  /** A light fleet member (ClusterOptions.member). */
  member?: boolean;
  /** ClusterOptions.nodeLabels, for nodes added later. */
  nodeLabels?: Record<string, string>;
  /** Its etcd is shared (startSharedEtcd()): the endpoint, the shared etcd's state dir and this cluster's key prefix. */
  sharedEtcd?: { endpoint: string; stateDir: string; prefix: string };
}

/** A cluster found on disk by listClusters(). */
export interface ClusterStatus extends ClusterRecord {
  /** Every component process is alive. */
  alive: boolean;
  /** Component name -> alive. */
  componentsAlive: Record<string, boolean>;
}
