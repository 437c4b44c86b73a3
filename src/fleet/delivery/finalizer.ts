import type { ClusterDelivery, FleetDelivery } from '../../api/index.js';
import { isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { forEachLimit } from '../../kube/pool.js';
import { inNamespace } from '../../kube/resource.js';
import { LABEL_DELIVERY_NAME, LABEL_DELIVERY_NAMESPACE } from '../names.js';
import { DELIVERY_FIELD_MANAGER, DELIVERY_FINALIZER, RES } from './keys.js';

/** Adds the finalizer (before the first ClusterDelivery is written); returns the stored delivery. */
export async function ensureFinalizer(client: KubeClient, fd: FleetDelivery, signal: AbortSignal): Promise<FleetDelivery> {
  if (fd.metadata.finalizers?.includes(DELIVERY_FINALIZER)) return fd;
  const patch = [
    { op: 'test', path: '/metadata/resourceVersion', value: fd.metadata.resourceVersion },
    fd.metadata.finalizers ? { op: 'add', path: '/metadata/finalizers/-', value: DELIVERY_FINALIZER } : { op: 'add', path: '/metadata/finalizers', value: [DELIVERY_FINALIZER] },
  ];
  return client.patch<FleetDelivery>(inNamespace(RES.fleetDeliveries, fd.metadata.namespace), fd.metadata.name ?? '', patch, 'json', { signal, fieldManager: DELIVERY_FIELD_MANAGER });
}

/**
 * A deleted delivery: deletes its ClusterDeliveries in every member namespace (listed from the API, not the
 * cache, so none is missed), then removes the finalizer. Returns false while some remain.
 */
export async function finalizeDelivery(client: KubeClient, fd: FleetDelivery, signal: AbortSignal): Promise<boolean> {
  const ns = fd.metadata.namespace ?? '';
  const name = fd.metadata.name ?? '';
  const list = await client.list<ClusterDelivery>(RES.clusterDeliveries, { labelSelector: `${LABEL_DELIVERY_NAMESPACE}=${ns},${LABEL_DELIVERY_NAME}=${name}`, signal });
  await forEachLimit(list.items, 8, async (cd) => {
    try {
      await client.delete(inNamespace(RES.clusterDeliveries, cd.metadata.namespace), cd.metadata.name ?? '', { signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  });
  const left = list.items.length;
  if (left > 0) return false;
  const i = fd.metadata.finalizers?.indexOf(DELIVERY_FINALIZER) ?? -1;
  if (i < 0) return true;
  try {
    await client.patch(inNamespace(RES.fleetDeliveries, ns), name, [
      { op: 'test', path: `/metadata/finalizers/${i}`, value: DELIVERY_FINALIZER },
      { op: 'remove', path: `/metadata/finalizers/${i}` },
    ], 'json', { signal });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return true;
}
