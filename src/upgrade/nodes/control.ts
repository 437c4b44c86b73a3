import type { V1Node } from '@kubernetes/client-node';
import { KubeLeaseLock } from '../../kube/leader.js';
import { CORE } from '../../kube/resource.js';
import { drainAbortable, isFinished, type NodeState, type RunPhase, type RunState } from './state.js';
import type { Ctx } from './context.js';
import { cordonedBy, uncordon } from './drain.js';
import { kubeletVersion, nodeReady } from './world.js';
import { holderIdentity } from '../../kube/holder.js';
import { acquireRunLock, holderLive, LEASE_DURATION_MS } from './lock.js';
import { LEASE_NAME, RunStore } from './store.js';
import { sleep } from '../../kube/clock.js';

/** How `--abort` ended: done here (no run acted), done by the live run, or only requested. */
export type AbortOutcome = (({ by: 'offline' } & OfflineAbort) | { by: 'run'; phase: string } | { by: 'requested'; holder: string }) & {
  /** Why the lease taken for the abort could not be given back (it runs out by itself). */
  leaseKept?: string;
};

/**
 * `--abort` (the abort control is already set): wait until it is carried out. A live run of this name
 * stops its drains itself and ends Aborted. A run that was killed leaves a lease nobody renews: at once
 * when it ran on this host (its process is gone), otherwise once the lease runs out (at most
 * LEASE_DURATION_MS), the abort is finished here (abortOffline). A lease held by another
 * run, or one still renewed after the wait, leaves the abort requested.
 */
export async function abortRun(ctx: Ctx, opts: { waitMs?: number; onWait?: (holder: string) => void } = {}): Promise<AbortOutcome> {
  const lease = new KubeLeaseLock(ctx.client, ctx.namespace, LEASE_NAME);
  const end = Date.now() + (opts.waitMs ?? LEASE_DURATION_MS + 10_000);
  let told = false;
  for (;;) {
    const held = await lease.get(AbortSignal.timeout(30_000));
    if (!held || !holderLive(held.record, Date.now())) {
      const done = await abortOffline(ctx);
      if (done) return done;
      continue;
    }
    const r = await RunStore.read(ctx.client, ctx.namespace, ctx.run);
    if (!r || runEnded(r.state.phase)) return { by: 'run', phase: r?.state.phase ?? 'gone' };
    const holder = held.record.holderIdentity ?? '';
    if (!holder.startsWith(`${ctx.run}@`) || Date.now() > end) return { by: 'requested', holder };
    if (!told) opts.onWait?.(holder);
    told = true;
    await sleep(1000);
  }
}

/** The run is over: no process acts on it any more, and nothing is left for an abort to do. */
const runEnded = (phase: RunPhase): boolean => phase !== 'Running' && phase !== 'Paused';

/** What an abort finished here did: the nodes it uncordoned, and those it left cordoned (mid-upgrade). */
export interface OfflineAbort {
  uncordoned: string[];
  leftCordoned: string[];
}

/**
 * `--abort` when no run acts on the cluster (it crashed or was paused): take the lease and finish the abort here
 * (abortNodes). A run that has ended meanwhile (a live run that carried the abort out and gave its lease back,
 * or one that finished first) is left as it is: `{ by: 'run' }`. Returns undefined when a live run will do it itself.
 */
export async function abortOffline(ctx: Ctx): Promise<AbortOutcome | undefined> {
  const lease = await new KubeLeaseLock(ctx.client, ctx.namespace, LEASE_NAME).get(AbortSignal.timeout(30_000));
  if (lease && holderLive(lease.record, Date.now())) return undefined;
  const identity = holderIdentity(ctx.run);
  const lock = await acquireRunLock(ctx.client, ctx.namespace, identity);
  let outcome: AbortOutcome;
  try {
    const r = await RunStore.read(ctx.client, ctx.namespace, ctx.run);
    if (!r) outcome = { by: 'offline', uncordoned: [], leftCordoned: [] };
    else if (runEnded(r.state.phase)) outcome = { by: 'run', phase: r.state.phase };
    else outcome = { by: 'offline', ...(await abortNodes(ctx, r, identity, lock.signal)) };
  } catch (err) {
    await lock.release();
    throw err;
  }
  const kept = await lock.release();
  return kept ? { ...outcome, leaseKept: kept } : outcome;
}

/**
 * Ends a run no process acts on, node by node: nodes left mid-drain are uncordoned (they were not changed yet);
 * nodes already upgraded and Ready (uncordon, health, or a saved upgrade/wait-ready the live node shows the run got
 * past: see pastUncordon) are uncordoned and done; nodes left mid-upgrade (upgrade, wait-ready: nobody knows how far
 * the action got) stay cordoned, failed, and say so. The run ends Aborted.
 */
async function abortNodes(ctx: Ctx, r: { state: RunState; shards: number }, identity: string, signal: AbortSignal): Promise<OfflineAbort> {
  const out: OfflineAbort = { uncordoned: [], leftCordoned: [] };
  const store = new RunStore(ctx.client, ctx.namespace, ctx.run, r.state, { shards: r.shards });
  const nodes = new Map((await ctx.client.list<V1Node>(CORE.nodes, { signal })).items.map((o) => [o.metadata?.name ?? '', o]));
  /** Ends a node that nothing on it changed yet (or that is upgraded and Ready): uncordoned unless it was cordoned before the run. */
  const release = async (n: NodeState, phase: 'aborted' | 'done', message: string): Promise<void> => {
    if (!n.wasCordoned) {
      await uncordon(ctx.client, n.name, signal);
      out.uncordoned.push(n.name);
    }
    Object.assign(n, { phase, message, finishedAt: new Date().toISOString() });
    store.nodeChanged(n.name);
  };
  for (const n of Object.values(r.state.nodes)) {
    const obj = nodes.get(n.name);
    if (n.phase === 'pending' && obj && cordonedBy(obj, ctx.run)) {
      // Cordoned by the crashed run before its state said so: nothing on the node changed yet.
      await uncordon(ctx.client, n.name, signal);
      out.uncordoned.push(n.name);
    } else if (drainAbortable(n.phase)) {
      await release(n, 'aborted', 'run aborted during the drain; node uncordoned');
    } else if (n.phase === 'uncordon' || n.phase === 'health') {
      // Upgraded and Ready already; only the uncordon (or the health gate after it) was left.
      await release(n, 'done', 'upgraded; the run was aborted before its health gate passed');
    } else if ((n.phase === 'upgrade' || n.phase === 'wait-ready') && pastUncordon(n, obj, r.state.settings.expectVersion)) {
      // The run's saved state lags its work: it had upgraded and uncordoned the node already.
      n.to = kubeletVersion(obj);
      await release(n, 'done', 'upgraded; the run was aborted before its health gate passed');
    } else if (n.phase !== 'pending' && !isFinished(n.phase)) {
      Object.assign(n, { phase: 'failed', message: `run aborted while the node was in ${n.phase}; left as it was (check it, then uncordon it)` });
      store.nodeChanged(n.name);
      out.leftCordoned.push(n.name);
    }
  }
  r.state.phase = 'Aborted';
  r.state.finishedAt = new Date().toISOString();
  r.state.holder = identity;
  store.runChanged();
  await store.flush();
  return out;
}

/**
 * A node whose saved phase is still upgrade or wait-ready, but which the live cluster shows the run got
 * past: schedulable again (the run uncordons only after wait-ready), Ready, at the expected kubelet version
 * (or, without one, at a version other than the one it started from). A node cordoned before the run never
 * counts: the run leaves it cordoned, so its state cannot be told from the live node.
 */
export function pastUncordon(n: NodeState, obj: V1Node | undefined, expectVersion: string | undefined): boolean {
  if (n.wasCordoned === true || obj === undefined || obj.spec?.unschedulable === true || !nodeReady(obj)) return false;
  const now = kubeletVersion(obj);
  if (now === undefined) return false;
  return expectVersion !== undefined ? now === expectVersion : n.from !== undefined && now !== n.from;
}
