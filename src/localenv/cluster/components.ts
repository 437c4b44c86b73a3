import { join } from 'node:path';
import type { Binaries } from '../build/index.js';
import type { Pki } from './certs.js';
import type { ComponentName } from './types.js';
import { MEMBER_CONTROLLERS, memberApiserverArgs, memberControllerManagerArgs, memberGoEnv } from './member.js';

/** Service and pod networks of every local cluster (nothing routes them; they only need to be valid). */
export const SERVICE_CIDR = '10.96.0.0/16';
export const CLUSTER_CIDR = '10.244.0.0/16';

/** Everything needed to build the command line of each component. */
export interface Layout {
  name: string;
  stateDir: string;
  bin: Binaries;
  pki: Pki;
  ports: {
    etcdClient: number;
    etcdPeer: number;
    apiserver: number;
    controllerManager: number;
    scheduler: number;
    kwok: number;
  };
  kubeconfigs: { controllerManager: string; scheduler: string; kwok: string };
  kwokConfig: string;
  apiserverArgs: readonly string[];
  controllerManagerArgs: readonly string[];
  /** Simulated nodes' Lease duration (kwok's config says the same); the node monitor grace period matches it. */
  nodeLeaseSeconds: number;
  /** GOGC for every component, when set. */
  goGC?: number;
  /** A fleet member (member.ts): fewer controllers, a lighter API server, Go runtime limits. */
  member?: boolean;
  /** etcd runs elsewhere (shared by members) at etcdClient; this cluster starts none. */
  sharedEtcd?: boolean;
  /** The API server's key prefix in etcd (default: Kubernetes' /registry). */
  etcdPrefix?: string;
}

/** A kubelet's node lease duration, and the default grace period of the node lifecycle controller. */
export const DEFAULT_NODE_LEASE_SECONDS = 40;

export interface CommandLine {
  bin: string;
  args: string[];
  /** Variables added to this process's environment. */
  env: Record<string, string>;
}

export const logFile = (stateDir: string, c: ComponentName): string => join(stateDir, 'logs', `${c}.log`);
export const etcdDataDir = (stateDir: string): string => join(stateDir, 'etcd');

/** etcd's command line: plain HTTP on loopback, one member, throw-away durability. */
export function etcdCommand(o: { bin: string; name: string; dataDir: string; clientPort: number; peerPort: number }): Omit<CommandLine, 'env'> {
  const client = `http://127.0.0.1:${o.clientPort}`;
  const peer = `http://127.0.0.1:${o.peerPort}`;
  return {
    bin: o.bin,
    args: [
      `--name=${o.name}`,
      `--data-dir=${o.dataDir}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=${o.name}=${peer}`,
      '--initial-cluster-state=new',
      `--initial-cluster-token=${o.name}`,
      // Throw-away data on a developer machine: trade durability for speed.
      '--unsafe-no-fsync=true',
      '--quota-backend-bytes=4294967296',
      '--snapshot-count=50000',
      '--log-level=warn',
    ],
  };
}

function etcd(l: Layout): Omit<CommandLine, 'env'> {
  return etcdCommand({ bin: l.bin.etcd, name: l.name, dataDir: etcdDataDir(l.stateDir), clientPort: l.ports.etcdClient, peerPort: l.ports.etcdPeer });
}

function apiserver(l: Layout): Omit<CommandLine, 'env'> {
  return {
    bin: l.bin.kubeApiserver,
    args: [
      `--etcd-servers=http://127.0.0.1:${l.ports.etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${l.ports.apiserver}`,
      `--cert-dir=${join(l.stateDir, 'apiserver')}`,
      `--tls-cert-file=${l.pki.apiserverCert}`,
      `--tls-private-key-file=${l.pki.apiserverKey}`,
      `--client-ca-file=${l.pki.caCert}`,
      `--service-account-key-file=${l.pki.saPub}`,
      `--service-account-signing-key-file=${l.pki.saKey}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--authorization-mode=Node,RBAC',
      '--allow-privileged=true',
      '--enable-priority-and-fairness=true',
      '--profiling=false',
      '--shutdown-delay-duration=0s',
      '--endpoint-reconciler-type=lease',
      ...(l.etcdPrefix ? [`--etcd-prefix=${l.etcdPrefix}`] : []),
      ...(l.member ? memberApiserverArgs() : []),
      ...l.apiserverArgs,
    ],
  };
}

function controllerManager(l: Layout): Omit<CommandLine, 'env'> {
  const kc = l.kubeconfigs.controllerManager;
  return {
    bin: l.bin.kubeControllerManager,
    args: [
      `--kubeconfig=${kc}`,
      `--authentication-kubeconfig=${kc}`,
      `--authorization-kubeconfig=${kc}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${l.ports.controllerManager}`,
      `--cert-dir=${join(l.stateDir, 'controller-manager')}`,
      '--leader-elect=false',
      // All default controllers: deployment, replicaset, endpoint, endpointslice, garbagecollector,
      // disruption, namespace, serviceaccount(-token), nodelifecycle, job, statefulset, daemonset, ...
      // (a member runs fewer: member.ts; a repeated --controllers would add to the list, not replace it)
      l.member ? `--controllers=${MEMBER_CONTROLLERS.join(',')}` : '--controllers=*',
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${l.pki.saKey}`,
      `--root-ca-file=${l.pki.caCert}`,
      `--cluster-signing-cert-file=${l.pki.caCert}`,
      `--cluster-signing-key-file=${l.pki.caKey}`,
      `--cluster-name=${l.name}`,
      `--cluster-cidr=${CLUSTER_CIDR}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      // Node lifecycle: notice a silent node once its lease ran out (40 s by default), evict by NoExecute
      // taints (pods tolerate them for 300 s by default), 0.1 nodes/s per zone, slower when a zone is mostly down.
      '--node-monitor-period=5s',
      `--node-monitor-grace-period=${l.nodeLeaseSeconds}s`,
      '--node-eviction-rate=0.1',
      '--secondary-node-eviction-rate=0.01',
      '--unhealthy-zone-threshold=0.55',
      '--large-cluster-size-threshold=50',
      '--kube-api-qps=100',
      '--kube-api-burst=200',
      ...(l.member ? memberControllerManagerArgs() : []),
      ...l.controllerManagerArgs,
    ],
  };
}

function scheduler(l: Layout): Omit<CommandLine, 'env'> {
  const kc = l.kubeconfigs.scheduler;
  return {
    bin: l.bin.kubeScheduler,
    args: [
      `--kubeconfig=${kc}`,
      `--authentication-kubeconfig=${kc}`,
      `--authorization-kubeconfig=${kc}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${l.ports.scheduler}`,
      `--cert-dir=${join(l.stateDir, 'scheduler')}`,
      '--leader-elect=false',
      // The default client limit (50 qps, 100 burst) makes binding thousands of pods (a drain window of
      // 100 nodes, a bench's bring-up) wait on the scheduler's own rate limiter, not on the API server.
      '--kube-api-qps=200',
      '--kube-api-burst=400',
    ],
  };
}

function kwok(l: Layout): Omit<CommandLine, 'env'> {
  return {
    bin: l.bin.kwok,
    args: [
      `--kubeconfig=${l.kubeconfigs.kwok}`,
      `--config=${l.kwokConfig}`,
      '--manage-all-nodes=false',
      `--server-address=127.0.0.1:${l.ports.kwok}`,
    ],
  };
}

function command(c: ComponentName, l: Layout): Omit<CommandLine, 'env'> {
  switch (c) {
    case 'etcd':
      return etcd(l);
    case 'kube-apiserver':
      return apiserver(l);
    case 'kube-controller-manager':
      return controllerManager(l);
    case 'kube-scheduler':
      return scheduler(l);
    case 'kwok':
      return kwok(l);
  }
}

export function commandLine(c: ComponentName, l: Layout): CommandLine {
  const env: Record<string, string> = l.member ? memberGoEnv(c) : {};
  if (l.goGC !== undefined) env.GOGC = String(l.goGC);
  return { ...command(c, l), env };
}

/** The ports a component listens on, by name, as cluster.json records them. */
export function portsOf(c: ComponentName, l: Layout): Record<string, number> {
  switch (c) {
    case 'etcd':
      return { client: l.ports.etcdClient, peer: l.ports.etcdPeer };
    case 'kube-apiserver':
      return { secure: l.ports.apiserver };
    case 'kube-controller-manager':
      return { secure: l.ports.controllerManager };
    case 'kube-scheduler':
      return { secure: l.ports.scheduler };
    case 'kwok':
      return { http: l.ports.kwok };
  }
}
