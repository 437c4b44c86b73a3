/**
 * Pure views of releases for the console's API: the list row of a CellDeployment with its current release,
 * and the state of each pod in a release (waiting, draining, updating, ready, failed).
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { CellDeployment, ReleaseOrder } from '../../api/index.js';
import { isDeleting, isDraining, isReady, podRevision, podUnit } from '../../release/pod/state.js';
import type { ReleaseStatusView } from '../../release/steer/status-model.js';

export interface ReleaseSummary {
  namespace: string;
  name: string;
  /** The CellDeployment's own phase. */
  phase: string | null;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
  /** Its current release order (status.releaseOrder), null when it has none (or it could not be read). */
  release: {
    name: string;
    phase: string;
    currentBatch: { index: number; number: number } | null;
    batchCount: number;
    fromRevision: string;
    toRevision: string;
    confirmedBatches: number;
    paused: boolean;
    rollback: boolean;
  } | null;
}

export function releaseSummary(cd: CellDeployment, order: ReleaseOrder | undefined): ReleaseSummary {
  const st = order?.status;
  const batchCount = st?.batches?.length ?? 0;
  return {
    namespace: cd.metadata.namespace ?? '',
    name: cd.metadata.name ?? '',
    phase: cd.status?.phase ?? null,
    replicas: cd.status?.replicas ?? 0,
    readyReplicas: cd.status?.readyReplicas ?? 0,
    updatedReplicas: cd.status?.updatedReplicas ?? 0,
    release: order
      ? {
          name: order.metadata.name ?? '',
          phase: st?.phase ?? 'Pending',
          currentBatch: batchCount > 0 && st?.currentBatch !== undefined ? { index: st.currentBatch, number: st.currentBatch + 1 } : null,
          batchCount,
          fromRevision: order.spec.fromRevision ?? '',
          toRevision: order.spec.toRevision,
          confirmedBatches: order.spec.confirmedBatches ?? 0,
          paused: order.spec.paused === true,
          rollback: order.spec.rollback === true,
        }
      : null,
  };
}

export type PodState = 'waiting' | 'draining' | 'updating' | 'ready' | 'failed';

export interface PodView {
  name: string;
  unit: string;
  node: string | null;
  revision: string;
  /** The 0-based index of the batch that changes the pod, null when the release does not change it. */
  batch: number | null;
  state: PodState;
  ready: boolean;
}

const FAILING_WAIT_REASONS = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'InvalidImageName', 'RunContainerError']);

/** The pod failed: phase Failed, or a container that cannot start. */
export function podFailed(pod: V1Pod): boolean {
  if (pod.status?.phase === 'Failed') return true;
  return (pod.status?.containerStatuses ?? []).some((c) => FAILING_WAIT_REASONS.has(c.state?.waiting?.reason ?? ''));
}

/**
 * Pure: one pod's state in a release. The revision the pod should end on is the release's target (its
 * fromRevision once rolling back). A pod on it is `ready` when Ready, else `updating`; a pod not yet on it is
 * `updating` when its batch has started, `waiting` otherwise; `draining` while it is taken out of traffic.
 */
export function podState(pod: V1Pod, view: Pick<ReleaseStatusView, 'phase' | 'fromRevision' | 'toRevision' | 'batches'>, batch: number | null): PodState {
  if (podFailed(pod)) return 'failed';
  if (isDeleting(pod) || (isDraining(pod) && !isReady(pod))) return 'draining';
  const back = view.phase === 'RollingBack' || view.phase === 'RolledBack';
  const want = back ? view.fromRevision : view.toRevision;
  const rev = podRevision(pod);
  if (rev === want || batch === null) return isReady(pod) ? 'ready' : 'updating';
  const b = view.batches.find((x) => x.index === batch);
  const started = b !== undefined && b.phase !== 'Pending' && b.phase !== 'WaitingForConfirm';
  return started ? 'updating' : 'waiting';
}

/** Pure: the pod views of a release, sorted by batch then name. */
export function podViews(pods: readonly V1Pod[], view: Pick<ReleaseStatusView, 'phase' | 'fromRevision' | 'toRevision' | 'batches'>): PodView[] {
  const batchOf = new Map<string, number>();
  for (const b of view.batches) for (const p of b.pods) batchOf.set(p, b.index);
  return pods
    .map((pod) => {
      const name = pod.metadata?.name ?? '';
      const batch = batchOf.get(name) ?? null;
      return {
        name,
        unit: podUnit(pod),
        node: pod.spec?.nodeName ?? null,
        revision: podRevision(pod),
        batch,
        state: podState(pod, view, batch),
        ready: isReady(pod),
      };
    })
    .sort((a, b) => (a.batch ?? Infinity) - (b.batch ?? Infinity) || a.name.localeCompare(b.name));
}
