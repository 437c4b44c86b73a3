import { FLEET_GROUP, FLEET_VERSION } from '../../api/index.js';
import { ref } from '../../kube/resource.js';

export const FLEET_API_VERSION = `${FLEET_GROUP}/${FLEET_VERSION}`;

/** The resources the delivery controller reads and writes (cluster-wide; inNamespace for one namespace). */
export const RES = {
  fleetDeliveries: ref(FLEET_API_VERSION, 'fleetdeliveries'),
  clusterDeliveries: ref(FLEET_API_VERSION, 'clusterdeliveries'),
  gitSources: ref(FLEET_API_VERSION, 'gitsources'),
  memberClusters: ref(FLEET_API_VERSION, 'memberclusters'),
  configMaps: ref('v1', 'configmaps'),
};

/** On every FleetDelivery that has ClusterDeliveries: they live in other namespaces (no owner reference can reach them). */
export const DELIVERY_FINALIZER = `${FLEET_GROUP}/cluster-deliveries`;

/** Field manager and event component of the delivery controller. */
export const DELIVERY_FIELD_MANAGER = 'plinth-fleet-delivery';
export const DELIVERY_COMPONENT = 'plinth-fleet-delivery';
