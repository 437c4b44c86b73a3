import type { ReleaseOrder } from '../../../api/index.js';
import { isAlreadyExists } from '../../../kube/api-error.js';
import { inNamespace } from '../../../kube/resource.js';
import { expectWrite } from '../../../kube/expect-write.js';
import { asKube } from '../../informers.js';
import { KEYS, RELEASE_API_VERSION, RES } from '../../keys.js';
import { orderName, sequenceOf } from '../../orders.js';
import { needsOrder } from '../../view.js';
import { emptyResult, type SyncContext, type SyncResult, type SyncStep } from './context.js';

/**
 * The ReleaseOrder of a new revision: when spec.template changed since the latest order and some pod runs
 * another revision (or the latest order is still in progress), create `<cd>-<revision>` with fromRevision the
 * revision the CellDeployment stably runs. Only the spec is written here; the ReleaseOrder controller plans its
 * batches once and marks the order it replaces Superseded.
 */
export function newOrder(ctx: SyncContext): ReleaseOrder {
  const cd = ctx.cd;
  const sequence = Math.max(0, ...ctx.orders.map(sequenceOf)) + 1;
  const taken = new Set(ctx.orders.map((o) => o.metadata.name ?? ''));
  return {
    apiVersion: RELEASE_API_VERSION,
    kind: 'ReleaseOrder',
    metadata: {
      name: orderName(cd.metadata.name ?? '', ctx.view.updateRevision, sequence, taken),
      namespace: cd.metadata.namespace,
      labels: { [KEYS.cellDeployment]: cd.metadata.name ?? '' },
      annotations: { [KEYS.sequence]: String(sequence) },
      ownerReferences: [
        { apiVersion: RELEASE_API_VERSION, kind: 'CellDeployment', name: cd.metadata.name ?? '', uid: cd.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      target: { kind: 'CellDeployment', name: cd.metadata.name ?? '' },
      fromRevision: ctx.view.currentRevision,
      toRevision: ctx.view.updateRevision,
      confirmedBatches: 0,
      paused: false,
      rollback: false,
    },
  };
}

export const releaseStep: SyncStep = {
  name: 'release',
  async sync(ctx: SyncContext): Promise<SyncResult> {
    const out = emptyResult();
    if (ctx.cd.metadata.deletionTimestamp || !needsOrder(ctx.view, ctx.pods)) return out;
    const order = newOrder(ctx);
    try {
      const created = await ctx.client.create<ReleaseOrder>(inNamespace(RES.releaseOrders, ctx.cd.metadata.namespace), order, { signal: ctx.signal });
      expectWrite(ctx.expectations, ctx.key, asKube(created), ctx.caches.orders);
      out.changed = true;
      const from = order.spec.fromRevision;
      ctx.events.normal(ctx.cd, 'ReleaseCreated', `release ${created.metadata.name} from revision ${from} to ${order.spec.toRevision}`);
      ctx.log.info({ order: created.metadata.name, from, to: order.spec.toRevision }, 'created release order');
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // Created by an earlier attempt the cache has not shown yet; the next reconcile sees it.
      out.changed = true;
    }
    return out;
  },
};
