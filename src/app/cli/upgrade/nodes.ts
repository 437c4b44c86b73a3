import type { V1Node } from '@kubernetes/client-node';
import type { GlobalOptions } from '../context.js';
import { kubeConfigFor, openClient, type ClientFlags } from '../../../kube/client.js';
import { whoAmI } from '../../../kube/identity.js';
import { decide, recordResume } from '../../../upgrade/nodes/decide.js';
import { progress } from '../../../term/progress.js';
import { PlinthError } from '../../../errors/index.js';
import { isKubeApiError } from '../../../kube/api-error.js';
import { KubeClient } from '../../../kube/http.js';
import { CORE } from '../../../kube/resource.js';
import { discoverPolicyApis } from '../../../upgrade/nodes/eviction.js';
import { holderIdentity } from '../../../kube/holder.js';
import { acquireRunLock, LEASE_DURATION_MS, leaseKeptWarning } from '../../../upgrade/nodes/lock.js';
import { checkRunName, parseSettings, windowSize, type NodesFlags, type UpgradeAction } from '../../../upgrade/nodes/options.js';
import { preflight, preflightError, stillToUpgrade } from '../../../upgrade/nodes/preflight.js';
import { clearStaleMarks } from '../../../upgrade/nodes/marks.js';
import { CORDONED_BY } from '../../../upgrade/nodes/drain.js';
import { progressLine, renderReport } from '../../../upgrade/nodes/report.js';
import { Runner, type RunEvent } from '../../../upgrade/nodes/runner.js';
import { newNodeState, type RunState } from '../../../upgrade/nodes/state.js';
import { RunStore } from '../../../upgrade/nodes/store.js';
import { World } from '../../../upgrade/nodes/world.js';
import { abortRun, type OfflineAbort } from '../../../upgrade/nodes/control.js';
import type { Ctx } from '../../../upgrade/nodes/context.js';
import type { KubeletSimulator } from '../../../upgrade/nodes/simulator.js';

export interface CommandFlags extends NodesFlags {
  name?: string;
  stateNamespace?: string;
  pause?: boolean;
  resume?: boolean;
  abort?: boolean;
  status?: boolean;
  /** Start (or resume) without reaching every node with the action first. */
  skipPreflight?: boolean;
}

async function nodesClient(g: ClientFlags): Promise<KubeClient> {
  return (await openClient(g, { userAgent: 'plinth-cli/upgrade-nodes', maxSockets: 128 })).client;
}

/**
 * `plinth upgrade nodes …`: one of start (default), --resume, --pause, --abort, --status. `simulator` drives
 * --simulate-version (the caller passes the local clusters' simulated kubelet).
 */
export async function nodesCommand(f: CommandFlags, g: GlobalOptions, simulator?: KubeletSimulator): Promise<number> {
  const verbs = (['pause', 'resume', 'abort', 'status'] as const).filter((v) => f[v] === true);
  if (verbs.length > 1) throw new PlinthError('INVALID_ARGUMENT', { what: 'flags', detail: `--${verbs.join(' and --')} were both given`, fix: 'give at most one of --pause, --resume, --abort, --status' });
  const run = checkRunName(f.name);
  const verb = verbs[0] ?? 'start';
  // Validate the flags of a new run before touching the cluster.
  const settings = verb === 'start' ? parseSettings(f) : undefined;
  const client = await nodesClient(g);
  const ctx: Ctx = { client, namespace: f.stateNamespace ?? 'plinth-system', run, g, ...(simulator ? { simulator } : {}) };
  try {
    switch (verb) {
      case 'status':
        return await showStatus(ctx);
      case 'pause':
        return await requestControl(ctx, 'pause');
      case 'abort':
        return await requestControl(ctx, 'abort');
      case 'resume':
        return await execute(ctx, undefined, f.skipPreflight === true);
      case 'start':
        return await execute(ctx, settings, f.skipPreflight === true);
    }
  } finally {
    client.close();
  }
}

type StoredRun = NonNullable<Awaited<ReturnType<typeof RunStore.read>>>;

async function readRun(ctx: Ctx): Promise<{ state: RunState; control: '' | 'pause' | 'abort' }> {
  const r = await RunStore.read(ctx.client, ctx.namespace, ctx.run);
  if (!r) throw new PlinthError('UPGRADE_NODES_NO_RUN', { run: ctx.run, namespace: ctx.namespace });
  return r;
}

async function showStatus(ctx: Ctx): Promise<number> {
  const r = await readRun(ctx);
  process.stdout.write(renderReport(r.state, ctx.g.output, r.control));
  return 0;
}

async function requestControl(ctx: Ctx, c: 'pause' | 'abort'): Promise<number> {
  // Who decided is recorded in the run's state (decide.ts), as the console records its signed-in user.
  const by = (await whoAmI(ctx.client, kubeConfigFor(ctx.g).kc)).user;
  await decide(ctx.client, ctx.namespace, ctx.run, c, by);
  if (c === 'pause') {
    process.stdout.write(`pause requested for run ${ctx.run}: nodes in flight finish, then the run stops; continue with \`plinth upgrade nodes --resume --name ${ctx.run}\`\n`);
    return 0;
  }
  const out = await abortRun(ctx, {
    onWait: (holder) => process.stderr.write(`waiting for ${holder} to stop its drains (or, if it was killed, for its lease to run out and be taken over: at most ${(2 * LEASE_DURATION_MS) / 1000 + 5}s)\n`),
  });
  if (out.leaseKept) process.stderr.write(leaseKeptWarning(ctx.namespace, out.leaseKept));
  switch (out.by) {
    case 'offline':
      process.stdout.write(`run ${ctx.run} aborted (no run was acting on it): ${offlineSummary(out)}\n`);
      return 0;
    case 'run':
      process.stdout.write(
        out.phase === 'Aborted'
          ? `run ${ctx.run} aborted by the process acting on it: its drains stopped and their nodes were uncordoned; nodes already upgrading finished (see \`plinth upgrade nodes --status --name ${ctx.run}\`)\n`
          : `run ${ctx.run} ended ${out.phase} before the abort took effect (see \`plinth upgrade nodes --status --name ${ctx.run}\`)\n`,
      );
      return 0;
    case 'requested':
      process.stdout.write(`abort requested for run ${ctx.run}; ${out.holder} holds the lease and will stop its drains and uncordon their nodes; nodes already upgrading finish\n`);
      return 0;
  }
}

function offlineSummary(o: OfflineAbort): string {
  const parts = [o.uncordoned.length ? `uncordoned ${o.uncordoned.join(', ')}` : 'no node to uncordon'];
  if (o.leftCordoned.length) parts.push(`left cordoned (stopped mid-upgrade; check, then \`kubectl uncordon\`): ${o.leftCordoned.join(', ')}`);
  return parts.join('; ');
}

/** Removes the cordoned-by marks that nodes uncordoned by someone else still carry (see staleMarks), saying so. */
async function sweepStaleMarks(client: KubeClient, nodes: readonly V1Node[], signal: AbortSignal): Promise<void> {
  for (const s of await clearStaleMarks(client, nodes, signal)) {
    process.stderr.write(
      s.error === undefined
        ? `${s.node}: removed the stale mark ${CORDONED_BY}=${s.run} (the node was uncordoned by someone else)\n`
        : `warning: ${s.node}: could not remove the stale mark ${CORDONED_BY}=${s.run} (${s.error}); the next run tries again\n`,
    );
  }
}

/** "all 6 selected node(s) already report kubelet v1.35.0" (only said when every selected node does). */
function nodesAtVersion(count: number, settings: RunState['settings']): string {
  return `${count === 1 ? 'the one selected node already reports' : `all ${count} selected nodes already report`} kubelet ${settings.expectVersion ?? '?'}`;
}

async function preflightOrThrow(ctx: Ctx, action: UpgradeAction, nodes: readonly V1Node[]): Promise<void> {
  if (nodes.length === 0) return;
  const failures = await preflight(action, nodes, ctx.simulator);
  if (failures.length > 0) throw preflightError(action, failures, nodes.length);
}

async function listNodes(client: KubeClient, selector: string): Promise<V1Node[]> {
  try {
    return (await client.list<V1Node>(CORE.nodes, selector ? { labelSelector: selector } : {})).items;
  } catch (err) {
    if (isKubeApiError(err) && err.status === 400) {
      throw new PlinthError('INVALID_ARGUMENT', { what: '-l/--selector', detail: `"${selector}": ${err.apiMessage}`, fix: 'write it like kubectl: role=worker,zone in (a,b),!gpu' });
    }
    throw err;
  }
}

/**
 * What must hold before a run takes the lease: a new run has nodes, no unfinished run of its name, and a node not
 * yet at the expected version; a resumed run exists and is unfinished; unless skipped, the action passes its
 * preflight on every node it will still run on, before any node is cordoned. Returns false when there is nothing
 * to upgrade (said on stderr).
 */
async function readyToAct(ctx: Ctx, settings: RunState['settings'] | undefined, existing: StoredRun | undefined, skipPreflight: boolean): Promise<boolean> {
  const { client, namespace, run } = ctx;
  let toUpgrade: V1Node[];
  let action: UpgradeAction;
  if (settings) {
    const nodes = await listNodes(client, settings.selector);
    if (nodes.length === 0) throw new PlinthError('UPGRADE_NODES_NO_NODES', { selector: settings.selector || '(none)' });
    if (existing && (existing.state.phase === 'Running' || existing.state.phase === 'Paused')) {
      throw new PlinthError('UPGRADE_NODES_UNFINISHED', { run, phase: existing.state.phase });
    }
    toUpgrade = stillToUpgrade(nodes, settings.expectVersion);
    if (toUpgrade.length === 0) {
      process.stderr.write(`nothing to upgrade: ${nodesAtVersion(nodes.length, settings)}; no run was started\n`);
      return false;
    }
    action = settings.action;
  } else {
    if (!existing) throw new PlinthError('UPGRADE_NODES_NO_RUN', { run, namespace });
    if (existing.state.phase !== 'Running' && existing.state.phase !== 'Paused') {
      throw new PlinthError('UPGRADE_NODES_NOT_RUNNING', { run, phase: existing.state.phase, action: 'resume' });
    }
    const { nodes: stored, settings: kept } = existing.state;
    toUpgrade = stillToUpgrade(await listNodes(client, kept.selector), kept.expectVersion, (node) => stored[node]?.phase);
    action = kept.action;
  }
  if (!skipPreflight) await preflightOrThrow(ctx, action, toUpgrade);
  return true;
}

/** Start a new run (settings given) or continue the stored one (--resume). */
async function execute(ctx: Ctx, settings: RunState['settings'] | undefined, skipPreflight: boolean): Promise<number> {
  const { client, namespace, run } = ctx;
  const existing = await RunStore.read(client, namespace, run);
  if (!(await readyToAct(ctx, settings, existing, skipPreflight))) return 0;
  await RunStore.ensureNamespace(client, namespace);
  const identity = holderIdentity(run);
  // The lease has its own connections: a renewal must never queue behind hundreds of evictions.
  const leaseClient = await nodesClient(ctx.g);
  const lock = await acquireRunLock(leaseClient, namespace, identity, {
    sameRunPrefix: `${run}@`,
    onWait: (holder) => process.stderr.write(`run ${run} was interrupted; waiting for the lease of ${holder} to run out (at most 25s)\n`),
    onDeadHolder: (holder) => process.stderr.write(`the lease holder ${holder} is no longer running on this host; its lease is released\n`),
  });
  const world: { w?: World } = {};
  try {
    const apis = await discoverPolicyApis(client);
    // Before the run's first cordon (and its first write), under the lease.
    await sweepStaleMarks(client, await listNodes(client, ''), lock.signal);
    let state: RunState;
    let shards: number | undefined;
    let resumedFrom: RunState['phase'] = 'Running';
    if (settings) {
      const nodes = await listNodes(client, settings.selector);
      state = {
        name: run,
        settings,
        phase: 'Running',
        window: windowSize(settings.maxUnavailable, nodes.length),
        createdAt: new Date().toISOString(),
        holder: identity,
        evictionApi: apis.evictionApi,
        nodes: Object.fromEntries(nodes.map((n) => [n.metadata!.name!, newNodeState(n.metadata!.name!)])),
      };
    } else {
      // Re-read under the lease: the state the last holder left.
      const again = await RunStore.read(client, namespace, run);
      if (!again) throw new PlinthError('UPGRADE_NODES_NO_RUN', { run, namespace });
      state = { ...again.state, phase: 'Running', holder: identity, evictionApi: apis.evictionApi };
      shards = again.shards;
      resumedFrom = again.state.phase;
      delete state.finishedAt;
    }
    const store = new RunStore(client, namespace, run, state, shards === undefined ? {} : { shards });
    if (settings) await store.create();
    else {
      await recordResume(client, namespace, run, resumedFrom, (await whoAmI(client, kubeConfigFor(ctx.g).kc)).user);
      store.runChanged();
      await store.flush();
    }
    const w = new World(client, state.settings.selector, apis.pdbApi);
    world.w = w;
    await w.start(lock.signal);
    const view = liveView(state);
    const runner = new Runner({
      client,
      store,
      world: w,
      evictionApi: apis.evictionApi,
      pdbApi: apis.pdbApi,
      signal: lock.signal,
      onEvent: (e) => view.event(e),
      ...(ctx.simulator ? { simulator: ctx.simulator } : {}),
    });
    process.stderr.write(`run ${run}: ${Object.keys(state.nodes).length} node(s), at most ${state.window} at a time, eviction via ${apis.evictionApi}${settings ? '' : ' (resumed)'}\n`);
    const result = await runner.run();
    view.stop();
    if (lock.signal.aborted) throw new PlinthError('UPGRADE_NODES_LEASE_LOST', { run, lease: `${namespace}/plinth-upgrade-nodes` });
    // Nodes someone uncordoned while the run went on (a failed node, checked and uncordoned by hand).
    await sweepStaleMarks(client, w.nodes.list(), lock.signal);
    process.stdout.write(renderReport(result, ctx.g.output));
    if (result.phase === 'Failed') throw new PlinthError('UPGRADE_NODES_FAILED', { run, detail: result.message ?? 'see the report' });
    if (result.phase === 'Aborted') throw new PlinthError('UPGRADE_NODES_ABORTED', { run });
    if (result.phase === 'Paused') process.stderr.write(`run ${run} paused; continue with \`plinth upgrade nodes --resume --name ${run}\`\n`);
    return 0;
  } finally {
    await world.w?.stop();
    const kept = await lock.release();
    if (kept) process.stderr.write(leaseKeptWarning(namespace, kept));
    leaseClient.close();
  }
}

/** A rewritten line on a TTY; a line per event otherwise (both on stderr). */
function liveView(state: RunState): { event(e: RunEvent): void; stop(): void } {
  const tty = process.stderr.isTTY === true;
  const start = Date.now();
  if (!tty) {
    return {
      event: (e) => {
        process.stderr.write(`[${((e.at - start) / 1000).toFixed(1)}s] ${e.node ? `${e.node}: ` : ''}${e.message}\n`);
      },
      stop: () => undefined,
    };
  }
  const p = progress(process.stderr);
  let blocked: string | undefined;
  const draw = (): void => p.update(progressLine(state, blocked));
  const timer = setInterval(draw, 1000);
  return {
    event: (e) => {
      if (/blocked by PodDisruptionBudget|failed/.test(e.message)) blocked = `${e.node ?? ''}: ${e.message}`.slice(0, 120);
      draw();
    },
    stop: () => {
      clearInterval(timer);
      p.done(progressLine(state, undefined));
    },
  };
}
