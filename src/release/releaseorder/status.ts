import type { ReleaseOrder } from '../../api/index.js';
import { isConflict, isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace } from '../../kube/resource.js';
import { statusEqual } from '../../kube/status.js';
import { RES } from '../keys.js';
import type { ProgressOutput } from './progress.js';

export interface OrderWrite {
  changed: boolean;
  /** The decision that was written (or that found nothing to change). */
  out: ProgressOutput;
  /** The order as stored after the write. */
  object: ReleaseOrder;
}

/**
 * Computes the order's next status and writes it when it differs (PUT on /status with the resourceVersion
 * read, so a concurrent writer — the CLI appending a user's action — is never overwritten: on a conflict the
 * order is read again and the decision recomputed from it).
 */
export async function writeOrderStatus(
  client: KubeClient,
  order: ReleaseOrder,
  compute: (order: ReleaseOrder) => Promise<ProgressOutput>,
  signal: AbortSignal,
  retries = 5,
): Promise<OrderWrite | undefined> {
  const ref = inNamespace(RES.releaseOrders, order.metadata.namespace);
  const name = order.metadata.name ?? '';
  let obj = order;
  for (let attempt = 0; ; attempt++) {
    const out = await compute(obj);
    if (statusEqual(obj.status, out.status)) return { changed: false, out, object: obj };
    try {
      const object = await client.replace<ReleaseOrder>(ref, name, { ...obj, status: out.status }, { subresource: 'status', signal });
      return { changed: true, out, object };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      if (!isConflict(err) || attempt >= retries) throw err;
      obj = await client.get<ReleaseOrder>(ref, name, { signal });
    }
  }
}
