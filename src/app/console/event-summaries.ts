/**
 * Pure: the `summary` of a live event for the fleet's kinds and for pods (the release screen updates each pod
 * cell from it). Fleet kinds reuse the rows of the list and detail routes, so a screen can patch its row.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ClusterDelivery, FleetDelivery, MemberCluster } from '../../api/index.js';
import { isDeleting, isDraining, isReady, podRevision, podUnit } from '../../release/pod/state.js';
import { clusterRow, deliveryItem, memberItem } from './fleet-views.js';
import { podFailed, type PodState } from './release-views.js';

export function fleetDeliverySummary(fd: FleetDelivery): Record<string, unknown> {
  return { ...deliveryItem(fd), historyLength: fd.status?.history?.length ?? 0 };
}

export function clusterDeliverySummary(cd: ClusterDelivery): Record<string, unknown> {
  const { wave: _wave, ...row } = clusterRow(cd, null);
  return { ...row, delivery: { namespace: cd.spec?.delivery?.namespace ?? null, name: cd.spec?.delivery?.name ?? null } };
}

export function memberClusterSummary(m: MemberCluster): Record<string, unknown> {
  return { ...memberItem(m) };
}

/**
 * A pod's state seen alone (without its release): failed, draining, else ready or updating. Whether a pod not
 * yet on the target waits for its batch needs the release; the release screen refetches its detail for that.
 */
export function podStateAlone(pod: V1Pod): PodState {
  if (podFailed(pod)) return 'failed';
  if (isDeleting(pod) || (isDraining(pod) && !isReady(pod))) return 'draining';
  return isReady(pod) ? 'ready' : 'updating';
}

export function podSummary(pod: V1Pod): Record<string, unknown> {
  return {
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Pending',
    ready: isReady(pod),
    unit: podUnit(pod),
    revision: podRevision(pod),
    state: podStateAlone(pod),
    node: pod.spec?.nodeName ?? null,
  };
}
