import type { InformerSource, KeyFunc } from '../../kube/controller.js';
import { keyOf } from '../../kube/controller.js';
import { objectKey } from '../../kube/resource.js';
import { ownerCellDeploymentKey, ordersOf, type ReleaseInformers } from '../informers.js';
import { isTerminal, latestOrder } from '../orders.js';

/**
 * Which ReleaseOrder keys an event touches:
 *  - a ReleaseOrder: itself, and the other orders of its CellDeployment that are not finished (a new order
 *    supersedes them);
 *  - a CellDeployment (pause, strategy, replicas) or one of its pods (a batch finishing): the CellDeployment's
 *    newest order and its unfinished ones.
 * EndpointSlices, nodes and ControllerRevisions touch no order.
 */
export function releaseOrderSources(inf: ReleaseInformers): InformerSource[] {
  const ofCellDeployment = (cdKey: string | undefined): string[] => {
    if (!cdKey) return [];
    const orders = ordersOf(inf, cdKey);
    const latest = latestOrder(orders);
    return orders.filter((o) => o === latest || !isTerminal(o)).map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
  };
  const fromOrder: KeyFunc = (obj) => new Set([keyOf(obj), ...ofCellDeployment(ownerCellDeploymentKey(obj))]);
  const none: KeyFunc = () => undefined;
  return [
    { informer: inf.releaseOrders, keys: fromOrder },
    { informer: inf.cellDeployments, keys: (obj) => ofCellDeployment(objectKey(obj)) },
    { informer: inf.pods, keys: (obj) => ofCellDeployment(ownerCellDeploymentKey(obj)) },
    { informer: inf.revisions, keys: none },
    { informer: inf.endpointSlices, keys: none },
    { informer: inf.nodes, keys: none },
  ];
}
