import type { V1Pod } from '@kubernetes/client-node';

/**
 * What the planners need to know about one pod. The controller builds it from a V1Pod with {@link podInfo}
 * (or by hand in tests); the planners never look at anything else.
 */
export interface PodInfo {
  name: string;
  /** The topology unit the pod belongs to ('' when unknown). */
  unit: string;
  /** The template hash (see templateHash) the pod was made from ('' when unknown). */
  revision: string;
  /** The pod's Ready condition is True. */
  ready: boolean;
  createdAt: Date;
  /** The pod has a deletionTimestamp: it is already going away. */
  deleting: boolean;
}

/** The label keys the controller puts on the pods it creates. */
export interface PodLabelKeys {
  unit: string;
  revision: string;
}

/** Builds a PodInfo from a pod: unit and revision come from its labels; a pod without creationTimestamp counts as created at the epoch. */
export function podInfo(pod: V1Pod, keys: PodLabelKeys): PodInfo {
  const labels = pod.metadata?.labels ?? {};
  const ready = (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  const created = pod.metadata?.creationTimestamp;
  return {
    name: pod.metadata?.name ?? '',
    unit: labels[keys.unit] ?? '',
    revision: labels[keys.revision] ?? '',
    ready,
    createdAt: created === undefined ? new Date(0) : new Date(created),
    deleting: pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null,
  };
}

/** A date's milliseconds, with an invalid date counted as the epoch so that comparisons stay total. */
function millis(d: Date): number {
  const t = d.getTime();
  return Number.isNaN(t) ? 0 : t;
}

/** Compares two strings by UTF-16 code units: the same order on every machine and locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A comparator for choosing which pods to delete on scale-down; pods that sort first are deleted first.
 * Like ReplicaSet's ranking, reduced to what PodInfo knows:
 *  1. pods already deleting (they are leaving anyway),
 *  2. not-ready before ready (removing them costs no serving capacity),
 *  3. pods not on `updateRevision` before pods on it (keep the release's progress),
 *  4. newer before older (older pods have proven themselves; also ReplicaSet's rule),
 *  5. by name, so the order is total and deterministic.
 */
export function deletionOrder(updateRevision: string): (a: PodInfo, b: PodInfo) => number {
  return (a, b) => {
    if (a.deleting !== b.deleting) return a.deleting ? -1 : 1;
    if (a.ready !== b.ready) return a.ready ? 1 : -1;
    const aUpdated = a.revision === updateRevision;
    const bUpdated = b.revision === updateRevision;
    if (aUpdated !== bUpdated) return aUpdated ? 1 : -1;
    const byAge = millis(b.createdAt) - millis(a.createdAt);
    if (byAge !== 0) return byAge;
    return compareStrings(a.name, b.name);
  };
}
