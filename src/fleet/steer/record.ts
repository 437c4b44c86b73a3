import type { FleetDelivery } from '../../api/index.js';
import { PlinthError } from '../../errors/index.js';
import { isNotFound, KubeApiError } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace } from '../../kube/resource.js';
import { retry } from '../../kube/retry.js';
import { appendFleetHistory, FLEET_HISTORY_LIMIT, type FleetHistoryEntryT } from '../delivery/history.js';
import { RES } from '../delivery/keys.js';

export type JsonPatchOp = { op: 'test' | 'add' | 'replace'; path: string; value: unknown };

/**
 * Pure: the JSON patch (status subresource) that appends `entry` to status.history, guarded by the
 * resourceVersion read; at the limit the whole (bounded) history is replaced instead.
 */
export function historyPatch(fd: Pick<FleetDelivery, 'metadata' | 'status'>, entry: FleetHistoryEntryT, now: Date): JsonPatchOp[] {
  const guard: JsonPatchOp = { op: 'test', path: '/metadata/resourceVersion', value: fd.metadata.resourceVersion };
  const h = fd.status?.history;
  if (Array.isArray(h) && h.length < FLEET_HISTORY_LIMIT) return [guard, { op: 'add', path: '/status/history/-', value: entry }];
  if (Array.isArray(h)) return [guard, { op: 'replace', path: '/status/history', value: appendFleetHistory(h, [entry], now) }];
  if (fd.status && typeof fd.status === 'object') return [guard, { op: 'add', path: '/status/history', value: [entry] }];
  return [guard, { op: 'add', path: '/status', value: { history: [entry] } }];
}

/** Reads the delivery, or fails with FLEET_DELIVERY_NOT_FOUND. */
export async function getDeliveryOrFail(client: KubeClient, namespace: string, name: string): Promise<FleetDelivery> {
  try {
    return await client.get<FleetDelivery>(inNamespace(RES.fleetDeliveries, namespace), name);
  } catch (err) {
    if (isNotFound(err)) throw new PlinthError('FLEET_DELIVERY_NOT_FOUND', { namespace, name }, { cause: err });
    throw err;
  }
}

/**
 * Read the delivery, build a patch from it, apply it; on a lost race (the resourceVersion test fails: 422, or a
 * 409) read again and rebuild. `build` returns no patch when there is nothing to write.
 */
export async function guardedPatch<R>(
  client: KubeClient,
  namespace: string,
  name: string,
  build: (fd: FleetDelivery) => { patch: JsonPatchOp[] | undefined; subresource?: 'status'; result: R },
  initial?: FleetDelivery,
): Promise<{ fd: FleetDelivery; result: R; written: boolean }> {
  const res = inNamespace(RES.fleetDeliveries, namespace);
  let next = initial;
  return retry(
    async () => {
      const fd = next ?? (await getDeliveryOrFail(client, namespace, name));
      next = undefined;
      const step = build(fd);
      if (!step.patch) return { fd, result: step.result, written: false };
      const stored = await client.patch<FleetDelivery>(res, name, step.patch, 'json', step.subresource ? { subresource: step.subresource } : {});
      return { fd: stored, result: step.result, written: true };
    },
    { attempts: 20, initialMs: 20, maxMs: 500, also: (err) => err instanceof KubeApiError && err.status === 422 },
  );
}

/** Appends `entry` to the delivery's status.history (guarded, retried on races). */
export async function recordFleetHistory(client: KubeClient, namespace: string, name: string, entry: FleetHistoryEntryT, now: Date, initial?: FleetDelivery): Promise<FleetDelivery> {
  const { fd } = await guardedPatch(client, namespace, name, (o) => ({ patch: historyPatch(o, entry, now), subresource: 'status', result: undefined }), initial);
  return fd;
}
