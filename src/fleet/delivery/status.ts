import type { FleetDelivery } from '../../api/index.js';
import { isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace, type KubeObject } from '../../kube/resource.js';
import { writeStatus } from '../../kube/status.js';
import { RES } from './keys.js';
import type { RolloutOutput } from './rollout.js';

export interface DeliveryWrite {
  changed: boolean;
  /** The decision that was written (or that found nothing to change), computed from `object`. */
  out: RolloutOutput;
  object: FleetDelivery;
}

/**
 * Computes the delivery's next status and writes it when it differs (PUT on /status with the resourceVersion
 * read, so a concurrent writer — the CLI appending a person's action — is never overwritten: on a conflict the
 * delivery is read again and the decision recomputed). The decision returned is the one made on the stored
 * object, so the ClusterDelivery writes that follow match the status that was recorded.
 */
export async function writeDeliveryStatus(
  client: KubeClient,
  fd: FleetDelivery,
  compute: (fd: FleetDelivery) => RolloutOutput,
  signal: AbortSignal,
): Promise<DeliveryWrite | undefined> {
  let out: RolloutOutput | undefined;
  let on: FleetDelivery = fd;
  try {
    const w = await writeStatus({
      client,
      resource: inNamespace(RES.fleetDeliveries, fd.metadata.namespace),
      name: fd.metadata.name ?? '',
      current: fd as unknown as KubeObject,
      desired: (o) => {
        on = o as unknown as FleetDelivery;
        out = compute(on);
        return out.clearConfirmations ? undefined : out.status;
      },
      signal,
    });
    return { changed: w.changed, out: out!, object: (w.changed ? w.object : on) as unknown as FleetDelivery };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
