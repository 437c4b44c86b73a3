import type { ReleaseOrder } from '../../api/index.js';
import { isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace } from '../../kube/resource.js';
import { writeStatus } from '../../kube/status.js';
import { asKube } from '../informers.js';
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
  let out: ProgressOutput | undefined;
  try {
    const w = await writeStatus({
      client,
      resource: inNamespace(RES.releaseOrders, order.metadata.namespace),
      name: order.metadata.name ?? '',
      current: asKube(order),
      desired: async (o) => (out = await compute(o as unknown as ReleaseOrder)).status,
      retries,
      signal,
    });
    return { changed: w.changed, out: out!, object: w.object as unknown as ReleaseOrder };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
