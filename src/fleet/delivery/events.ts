import type { InformerSource } from '../../kube/controller.js';
import { keyOf } from '../../kube/controller.js';
import type { KubeObject } from '../../kube/resource.js';
import { BY_SOURCE, deliveryKeyOf, type DeliveryInformers } from './informers.js';

/** Agent status writes and MemberCluster heartbeats reach the deliveries at most this often. */
export const FLEET_COALESCE_MS = 250;

/** What of a MemberCluster placement and progress read: labels, accepted, Connected. */
export function memberView(obj: KubeObject): string {
  const m = obj as KubeObject & { spec?: { accepted?: boolean }; status?: { conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }> } };
  const c = m.status?.conditions?.find((x) => x.type === 'Connected');
  return JSON.stringify([m.metadata?.labels ?? {}, m.spec?.accepted === true, c?.status, c?.lastTransitionTime]);
}

/**
 * Which FleetDelivery keys an event touches:
 *  - a FleetDelivery: itself;
 *  - a ClusterDelivery: its delivery (from its labels), coalesced;
 *  - a GitSource: the deliveries in its namespace that name it;
 *  - a MemberCluster (labels, accepted, Connected changed; not heartbeats): every delivery, coalesced;
 *  - the hub-info ConfigMap: every delivery.
 */
export function deliverySources(inf: DeliveryInformers): InformerSource[] {
  const all = (): string[] => inf.deliveries.list().map(keyOf);
  return [
    { informer: inf.deliveries },
    { informer: inf.clusterDeliveries, keys: (obj) => deliveryKeyOf(obj), coalesceMs: FLEET_COALESCE_MS },
    { informer: inf.sources, keys: (obj) => inf.deliveries.byIndex(BY_SOURCE, keyOf(obj)).map(keyOf) },
    { informer: inf.members, keys: all, changed: (old, obj) => memberView(old) !== memberView(obj), coalesceMs: FLEET_COALESCE_MS },
    { informer: inf.hubInfo, keys: all },
  ];
}
