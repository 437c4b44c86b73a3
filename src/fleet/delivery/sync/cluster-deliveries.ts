import type { ClusterDelivery, ClusterDeliverySpecT } from '../../../api/index.js';
import { isNotFound } from '../../../kube/api-error.js';
import type { KubeClient } from '../../../kube/http.js';
import { forEachLimit } from '../../../kube/pool.js';
import { inNamespace } from '../../../kube/resource.js';
import { clusterDeliveryName, LABEL_CLUSTER, LABEL_DELIVERY_NAME, LABEL_DELIVERY_NAMESPACE, memberNamespace } from '../../names.js';
import { DELIVERY_FIELD_MANAGER, FLEET_API_VERSION, RES } from '../keys.js';

/** ClusterDelivery writes in flight at once per delivery. */
export const WRITE_CONCURRENCY = 8;

/** The ClusterDelivery object of one cluster, as the controller writes it. */
export function clusterDeliveryObject(deliveryNs: string, deliveryName: string, cluster: string, spec: ClusterDeliverySpecT, resourceVersion?: string): ClusterDelivery {
  return {
    apiVersion: FLEET_API_VERSION,
    kind: 'ClusterDelivery',
    metadata: {
      name: clusterDeliveryName(deliveryNs, deliveryName),
      namespace: memberNamespace(cluster),
      labels: { [LABEL_DELIVERY_NAMESPACE]: deliveryNs, [LABEL_DELIVERY_NAME]: deliveryName, [LABEL_CLUSTER]: cluster },
      ...(resourceVersion ? { resourceVersion } : {}),
    },
    spec,
  };
}

export interface SyncResult {
  written: ClusterDelivery[];
  deleted: string[];
  /** Clusters whose hub namespace does not exist yet (the member is still being set up): retried later. */
  waiting: string[];
}

/**
 * Writes the ClusterDeliveries a decision asks for: a new one is created (409 if one appeared meanwhile: the
 * reconcile fails and runs again on fresh data); an existing one is replaced with the resourceVersion it was
 * read at, so a write never lands on a version the decision did not see (a newer sequence above all).
 * Deletes are unconditional (a cluster no longer placed).
 */
export async function syncClusterDeliveries(
  client: KubeClient,
  deliveryNs: string,
  deliveryName: string,
  upserts: ReadonlyArray<{ cluster: string; spec: ClusterDeliverySpecT }>,
  deletes: readonly string[],
  existing: ReadonlyMap<string, ClusterDelivery>,
  signal: AbortSignal,
): Promise<SyncResult> {
  const res: SyncResult = { written: [], deleted: [], waiting: [] };
  const name = clusterDeliveryName(deliveryNs, deliveryName);
  await forEachLimit([...upserts], WRITE_CONCURRENCY, async (u) => {
    const ref = inNamespace(RES.clusterDeliveries, memberNamespace(u.cluster));
    const old = existing.get(u.cluster);
    try {
      if (!old) {
        res.written.push(await client.create<ClusterDelivery>(ref, clusterDeliveryObject(deliveryNs, deliveryName, u.cluster, u.spec), { signal, fieldManager: DELIVERY_FIELD_MANAGER }));
      } else {
        const body = { ...old, metadata: { ...old.metadata, labels: { ...(old.metadata.labels ?? {}), ...clusterDeliveryObject(deliveryNs, deliveryName, u.cluster, u.spec).metadata.labels } }, spec: u.spec };
        res.written.push(await client.replace<ClusterDelivery>(ref, name, body, { signal, fieldManager: DELIVERY_FIELD_MANAGER }));
      }
    } catch (err) {
      if (!old && isNotFound(err)) res.waiting.push(u.cluster);
      else throw err;
    }
  });
  await forEachLimit([...deletes], WRITE_CONCURRENCY, async (cluster) => {
    try {
      await client.delete(inNamespace(RES.clusterDeliveries, memberNamespace(cluster)), name, { signal });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    res.deleted.push(cluster);
  });
  return res;
}
