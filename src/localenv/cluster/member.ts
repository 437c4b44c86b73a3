/**
 * The light profile of a fleet member cluster (`ClusterOptions.member`). A member runs a real API server,
 * controller manager, scheduler and kwok like any local cluster, but only what delivering workloads to it
 * needs: Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs becoming Ready, namespaces deleted,
 * garbage collection, service accounts. Its API server stores its data in an etcd shared with other members
 * under its own prefix (`sharedEtcd`), as several API servers share one etcd in an HA control plane.
 * Measured figures: docs/fleet/local.md.
 */

/**
 * Controllers a member's kube-controller-manager runs (names valid on 1.24 and 1.34). Left out: endpoints and endpoint slices (nothing routes), HPA,
 * resource quota, disruption, persistent volumes, certificates, bootstrap tokens, TTL, CronJob.
 */
export const MEMBER_CONTROLLERS: readonly string[] = [
  'deployment',
  'replicaset',
  'statefulset',
  'daemonset',
  'job',
  'namespace',
  'garbagecollector',
  'serviceaccount',
  'serviceaccount-token',
  'root-ca-cert-publisher',
  'clusterrole-aggregation',
  'podgc',
  // It removes the not-ready taint the API server puts on every new node once the node reports Ready.
  'nodelifecycle',
];

/** Simulated nodes of a member unless told otherwise. */
export const MEMBER_DEFAULT_NODES = 1;

/** Node lease of a member's simulated nodes: kwok's nodes do not die, so renew rarely (the node monitor's grace period matches). */
export const MEMBER_NODE_LEASE_SECONDS = 300;

/** GOGC of a member's Go processes: collect more often than Go's 100, trading a little CPU for memory. */
export const MEMBER_GOGC = 50;

/** Flags appended to a member's API server (before the caller's own, so those still win). */
export function memberApiserverArgs(): string[] {
  return [
    // Priority and fairness keeps its own controllers, watches and periodic writes; a member serves a handful of clients.
    '--enable-priority-and-fairness=false',
    // No endpoints for the `kubernetes` Service: nothing routes to it, and each reconcile is a write.
    '--endpoint-reconciler-type=none',
    '--event-ttl=10m',
  ];
}

/** Flags appended to a member's controller manager (its --controllers list is MEMBER_CONTROLLERS). */
export function memberControllerManagerArgs(): string[] {
  return ['--concurrent-gc-syncs=5', '--concurrent-namespace-syncs=2', '--node-monitor-period=30s'];
}

/**
 * Go runtime settings of a member's processes: one OS thread for Go code (the machine's cores are shared by
 * 32 members) and a soft memory limit past which the garbage collector works harder.
 */
export function memberGoEnv(component: string): Record<string, string> {
  const limit = component === 'kube-apiserver' ? '200MiB' : '64MiB';
  return { GOMAXPROCS: '1', GOMEMLIMIT: limit };
}

/** The etcd key prefix of a member's API server in a shared etcd. */
export const memberEtcdPrefix = (name: string): string => `/plinth-members/${name}`;
