import type { ClusterDeliverySpecT, ClusterDeliveryStatusT, FleetDeliverySpecT, FleetDeliveryStatusT } from '../../api/index.js';

/** What the planners read of a MemberCluster. */
export interface MemberView {
  name: string;
  labels: Record<string, string>;
  accepted: boolean;
  /** The Connected condition: status and since when (lastTransitionTime). Absent: never reported. */
  connected?: { status: 'True' | 'False' | 'Unknown'; since?: string };
}

/** What the planners read of an existing ClusterDelivery. */
export interface ClusterDeliveryView {
  cluster: string;
  generation?: number;
  spec: ClusterDeliverySpecT;
  status?: ClusterDeliveryStatusT;
}

/** What the planners read of the delivery's GitSource for the delivery's path. */
export interface SourceView {
  /** The GitSource exists. */
  found: boolean;
  commit?: string;
  /** The artifact of the delivery's path at `commit` (absent: not rendered yet, or an error). */
  digest?: string;
  /** Why the path did not render (file:line). */
  error?: string;
}

/** The FleetDelivery as the planners read it. */
export interface DeliveryView {
  namespace: string;
  name: string;
  uid?: string;
  generation?: number;
  spec: FleetDeliverySpecT;
  status?: FleetDeliveryStatusT;
}

/** A Kubernetes event to record about the FleetDelivery. */
export interface PlannedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The `by` of decisions the controller takes itself. */
export const SYSTEM_ACTOR = 'system:plinth';
