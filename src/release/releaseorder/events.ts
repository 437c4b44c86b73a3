import type { V1Pod } from '@kubernetes/client-node';
import type { InformerSource, KeyFunc } from '../../kube/controller.js';
import { keyOf } from '../../kube/controller.js';
import { objectKey } from '../../kube/resource.js';
import { ownerCellDeploymentKey, ordersOf, type ReleaseInformers } from '../informers.js';
import { isTerminal, latestOrder } from '../orders.js';
import { KEYS } from '../keys.js';
import { isDeleting, isDraining, podRevision, podUnit } from '../pod/state.js';

/**
 * Pod events reach the orders at most this often: an order's progress reads every pod of its CellDeployment,
 * and a batch of a hundred pods makes several hundred pod events, which would otherwise each cost a
 * reconcile over all pods. A batch finishes this much later at most.
 */
export const POD_COALESCE_MS = 250;

/** What of a pod an order's progress reads: batch membership and "done", units, Pending pods for the checks. */
export function podProgressView(p: V1Pod): string {
  const cond = (type: string): string => {
    const c = p.status?.conditions?.find((x) => x.type === type);
    return c ? `${c.status}/${c.reason ?? ''}` : '';
  };
  return JSON.stringify([
    p.metadata?.uid,
    p.metadata?.labels?.[KEYS.cellDeployment],
    podRevision(p),
    podUnit(p),
    isDeleting(p),
    isDraining(p),
    p.status?.phase,
    cond('Ready'),
    cond(KEYS.gate),
    cond('PodScheduled'),
  ]);
}

/**
 * Which ReleaseOrder keys an event touches:
 *  - a ReleaseOrder: itself, and the other orders of its CellDeployment that are not finished (a new order
 *    supersedes them);
 *  - a CellDeployment (pause, strategy, replicas) or one of its pods (a batch finishing): the CellDeployment's
 *    newest order and its unfinished ones; pod updates only when something progress reads changed
 *    (podProgressView), and coalesced over POD_COALESCE_MS.
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
    {
      informer: inf.pods,
      keys: (obj) => ofCellDeployment(ownerCellDeploymentKey(obj)),
      changed: (old, obj) => podProgressView(old) !== podProgressView(obj),
      coalesceMs: POD_COALESCE_MS,
    },
    { informer: inf.revisions, keys: none },
    { informer: inf.endpointSlices, keys: none },
    { informer: inf.nodes, keys: none },
  ];
}
