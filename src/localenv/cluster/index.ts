/**
 * Local Kubernetes clusters: real etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler with kwok simulating nodes and the kubelet behaviour Plinth relies on.
 * See docs/localenv.md ("Running local clusters") and docs/adr/0002.
 */
export { startCluster } from './start.js';
export { listClusters, stopCluster } from './registry.js';
export { restartCluster, type RestartedCluster, type RestartOptions } from './restart.js';
export { defaultStateDir, clustersRoot } from './state.js';
export { startSharedEtcd, stopSharedEtcd, type SharedEtcd, type SharedEtcdOptions } from './shared-etcd.js';
export { sharedEtcdAlive } from './shared-etcd-record.js';
export { MEMBER_CONTROLLERS } from './member.js';
export {
  COMPONENTS,
  type ClusterOptions,
  type ClusterRecord,
  type ClusterStatus,
  type ComponentName,
  type ComponentRecord,
  type KwokOptions,
  type LocalCluster,
} from './types.js';
export {
  CELL_LABEL,
  NODE_KUBELET_VERSION_ANNOTATION,
  NODE_READY_ANNOTATION,
  POD_FROZEN_ANNOTATION,
  REGION_LABEL,
  TYPE_LABEL,
  ZONE_LABEL,
} from './kwok/annotations.js';
