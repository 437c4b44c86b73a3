/**
 * The workload kinds Plinth knows, for the export (which records their replicas) and verify (which waits
 * until they are ready and compares their replicas with the source's). Jobs and CronJobs are not counted:
 * a Job runs to completion rather than staying ready, and a CronJob has no pods of its own.
 */
import { RELEASE_GROUP } from '../../api/release/group.js';
import type { KubeObject } from '../../kube/resource.js';

const KINDS = new Set(['apps|Deployment', 'apps|StatefulSet', 'apps|DaemonSet', 'apps|ReplicaSet', `${RELEASE_GROUP}|CellDeployment`]);

export function isWorkload(group: string, kind: string): boolean {
  return KINDS.has(`${group}|${kind}`);
}

/** `spec.replicas` of a workload that has it (not a DaemonSet's); Kubernetes defaults an absent one to 1. */
export function specReplicas(kind: string, o: KubeObject & { spec?: unknown }): number | undefined {
  if (kind === 'DaemonSet') return undefined;
  const r = (o.spec as { replicas?: unknown } | undefined)?.replicas;
  return typeof r === 'number' ? r : 1;
}
