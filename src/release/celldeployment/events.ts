import type { V1Node } from '@kubernetes/client-node';
import type { InformerSource, KeyFunc } from '../../kube/controller.js';
import { keyOf } from '../../kube/controller.js';
import type { EventHandlers } from '../../kube/informer.js';
import { objectKey, type KubeObject } from '../../kube/resource.js';
import { ownerCellDeploymentKey, type ReleaseInformers } from '../informers.js';
import { slicePodKeys } from '../pod/endpoints.js';

/**
 * Which CellDeployment keys an event touches:
 *  - a CellDeployment: itself;
 *  - a pod, ReleaseOrder or ControllerRevision: its controlling CellDeployment;
 *  - an EndpointSlice: the CellDeployments of the pods it lists (a drained pod leaving the slice moves its
 *    release on);
 *  - a node: handled by {@link nodeHandlers} (only changes of schedulability count).
 */
export function cellDeploymentSources(inf: ReleaseInformers): InformerSource[] {
  const owner: KeyFunc = (obj) => ownerCellDeploymentKey(obj);
  const fromSlice: KeyFunc = (obj) => {
    const keys = new Set<string>();
    for (const podKey of slicePodKeys(obj)) {
      const pod = inf.pods.get(podKey);
      const k = pod ? ownerCellDeploymentKey(pod) : undefined;
      if (k) keys.add(k);
    }
    return keys;
  };
  return [
    { informer: inf.cellDeployments, keys: keyOf },
    { informer: inf.pods, keys: owner },
    { informer: inf.releaseOrders, keys: owner },
    { informer: inf.revisions, keys: owner },
    { informer: inf.endpointSlices, keys: fromSlice },
    { informer: inf.nodes, keys: () => undefined },
  ];
}

/** What about a node decides whether pods can be scheduled on it. */
function schedulingView(n: V1Node): string {
  return JSON.stringify({
    labels: n.metadata?.labels ?? {},
    unschedulable: n.spec?.unschedulable ?? false,
    taints: n.spec?.taints ?? [],
    ready: n.status?.conditions?.find((c) => c.type === 'Ready')?.status,
  });
}

/**
 * Node handlers that enqueue every CellDeployment whose unit key the node carries, but only when the node
 * appears, disappears or changes schedulability (not on heartbeats).
 */
export function nodeHandlers(inf: ReleaseInformers, enqueue: (key: string) => void): EventHandlers<V1Node & KubeObject> {
  const touch = (n: V1Node): void => {
    const labels = n.metadata?.labels ?? {};
    for (const obj of inf.cellDeployments.list()) {
      const unitKey = (obj as { spec?: { topology?: { unitKey?: string } } }).spec?.topology?.unitKey;
      if (unitKey !== undefined && unitKey in labels) enqueue(objectKey(obj));
    }
  };
  return {
    onAdd: touch,
    onDelete: touch,
    onUpdate: (old, obj) => {
      if (schedulingView(old) !== schedulingView(obj)) {
        touch(old);
        touch(obj);
      }
    },
  };
}
