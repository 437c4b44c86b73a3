import type { ReleaseOrder } from '../../api/index.js';
import { PlinthError } from '../../errors/index.js';
import { KubeApiError } from '../../kube/api-error.js';
import { retry } from '../../kube/retry.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace } from '../../kube/resource.js';
import { RES } from '../keys.js';
import type { HistoryEntryT } from '../plan/history.js';

export type JsonPatchOp =
  | { op: 'test'; path: string; value: unknown }
  | { op: 'add'; path: string; value: unknown };

/**
 * Pure: the JSON patch (on the status subresource) that appends `entry` to the order's status.history,
 * guarded by a test of the resourceVersion read: `add /status/history/-` when the array exists,
 * `add /status/history` (or `add /status`) creating it otherwise.
 */
export function historyPatch(order: Pick<ReleaseOrder, 'metadata' | 'status'>, entry: HistoryEntryT): JsonPatchOp[] {
  const rv = order.metadata.resourceVersion;
  if (!rv) throw new PlinthError('INTERNAL', { detail: `release order ${order.metadata.name ?? ''} was read without a resourceVersion` });
  const guard: JsonPatchOp = { op: 'test', path: '/metadata/resourceVersion', value: rv };
  if (Array.isArray(order.status?.history)) return [guard, { op: 'add', path: '/status/history/-', value: entry }];
  if (order.status && typeof order.status === 'object') return [guard, { op: 'add', path: '/status/history', value: [entry] }];
  return [guard, { op: 'add', path: '/status', value: { history: [entry] } }];
}

/** A 422 that may be the failed `test` of the resourceVersion (or a validation error: read again to know). */
export function mayBeFailedTest(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 422;
}

export interface GuardedOptions {
  retries?: number;
  /** The order as just read (saves the first read). */
  initial?: ReleaseOrder;
}

/**
 * Read the order, build a patch from it, apply it; when the write loses a race (a conflict, or the failed
 * test of the resourceVersion) or fails retryably (kube/retry.ts), read again and rebuild, at most
 * `retries` times. `build` returns undefined when there is nothing to write. Returns the order as stored
 * after the write, or as read when nothing was written, and the value `build` chose.
 */
export async function guardedPatch<R>(
  client: KubeClient,
  namespace: string,
  name: string,
  build: (order: ReleaseOrder) => { patch: JsonPatchOp[]; subresource?: 'status'; result: R } | { patch: undefined; result: R },
  opts: GuardedOptions = {},
): Promise<{ order: ReleaseOrder; result: R; written: boolean }> {
  const res = inNamespace(RES.releaseOrders, namespace);
  let next = opts.initial;
  /** 422s known to be the failed test of a resourceVersion that has changed since (a lost race too). */
  const failedTests = new WeakSet<object>();
  return retry(
    async () => {
      const order = next ?? (await client.get<ReleaseOrder>(res, name));
      next = undefined;
      const step = build(order);
      if (step.patch === undefined) return { order, result: step.result, written: false };
      try {
        const stored = await client.patch<ReleaseOrder>(res, name, step.patch, 'json', step.subresource ? { subresource: step.subresource } : {});
        return { order: stored, result: step.result, written: true };
      } catch (err) {
        if (mayBeFailedTest(err)) {
          // The test of the resourceVersion failed only if the object changed since it was read; else it is a real 422.
          next = await client.get<ReleaseOrder>(res, name);
          if (next.metadata.resourceVersion !== order.metadata.resourceVersion) failedTests.add(err as object);
        }
        throw err;
      }
    },
    { attempts: (opts.retries ?? 20) + 1, initialMs: 20, maxMs: 500, also: (err) => failedTests.has(err as object) },
  );
}
/** Appends `entry` to the order's status.history (guarded JSON patch, retried on races). */
export async function recordHistory(client: KubeClient, namespace: string, name: string, entry: HistoryEntryT, initial?: ReleaseOrder): Promise<ReleaseOrder> {
  const build = (o: ReleaseOrder): { patch: JsonPatchOp[]; subresource: 'status'; result: undefined } => ({ patch: historyPatch(o, entry), subresource: 'status', result: undefined });
  const { order } = await guardedPatch(client, namespace, name, build, initial ? { initial } : {});
  return order;
}
