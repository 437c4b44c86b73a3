import type { V1Node } from '@kubernetes/client-node';
import { KubeLeaseLock } from '../../kube/leader.js';
import { CORE } from '../../kube/resource.js';
import { drainAbortable } from './state.js';
import type { Ctx } from './cli.js';
import { cordonedBy, uncordon } from './drain.js';
import { acquireRunLock, leaseLive } from './lock.js';
import { LEASE_NAME, RunStore } from './store.js';

/**
 * `--abort` when no run acts on the cluster (it crashed or was paused): take the lease and
 * finish the abort here. Nodes left mid-drain are uncordoned (they were not changed yet); nodes
 * left mid-upgrade stay cordoned and say so. Returns false when a live run will do it itself.
 */
export async function abortOffline(ctx: Ctx): Promise<boolean> {
  const lease = await new KubeLeaseLock(ctx.client, ctx.namespace, LEASE_NAME).get(AbortSignal.timeout(30_000));
  if (lease && leaseLive(lease.record, Date.now())) return false;
  const identity = `${ctx.run}@abort_${process.pid}`;
  const lock = await acquireRunLock(ctx.client, ctx.namespace, identity);
  try {
    const r = await RunStore.read(ctx.client, ctx.namespace, ctx.run);
    if (!r) return true;
    const store = new RunStore(ctx.client, ctx.namespace, ctx.run, r.state, { shards: r.shards });
    const nodes = new Map((await ctx.client.list<V1Node>(CORE.nodes, { signal: lock.signal })).items.map((o) => [o.metadata?.name ?? '', o]));
    for (const n of Object.values(r.state.nodes)) {
      const obj = nodes.get(n.name);
      if (n.phase === 'pending' && obj && cordonedBy(obj, ctx.run)) {
        // Cordoned by the crashed run before its state said so: nothing on the node changed yet.
        await uncordon(ctx.client, n.name, lock.signal);
      } else if (drainAbortable(n.phase)) {
        if (!n.wasCordoned) await uncordon(ctx.client, n.name, lock.signal);
        Object.assign(n, { phase: 'aborted', message: 'run aborted during the drain; node uncordoned', finishedAt: new Date().toISOString() });
        store.nodeChanged(n.name);
      } else if (n.phase !== 'pending' && !['done', 'failed', 'skipped', 'aborted'].includes(n.phase)) {
        Object.assign(n, { phase: 'failed', message: `run aborted while the node was in ${n.phase}; left as it was (check it, then uncordon it)` });
        store.nodeChanged(n.name);
      }
    }
    r.state.phase = 'Aborted';
    r.state.finishedAt = new Date().toISOString();
    r.state.holder = identity;
    store.runChanged();
    await store.flush();
    return true;
  } finally {
    await lock.release();
  }
}
