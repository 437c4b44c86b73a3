import { setMaxListeners } from 'node:events';
import type { V1Node } from '@kubernetes/client-node';
import { isTransientApiError } from '../../kube/api-error.js';
import { exponentialDelay } from '../../kube/backoff.js';
import { sleep } from '../../kube/clock.js';
import { runAction } from './action.js';
import { cordon, cordonedBefore, drainNode, uncordon, type DrainResult } from './drain.js';
import { healthVerdict } from './health.js';
import { iso, type RunShared } from './run-context.js';
import { errorMessage } from '../../errors/index.js';
import { isFinished, resumePhase, type NodeState } from './state.js';
import { kubeletVersion, nodeReady, until } from './world.js';

/** The first and the longest wait before a node's phase is retried after a transient API error. */
const TRANSIENT_BACKOFF_MS = 1_000;
const TRANSIENT_MAX_BACKOFF_MS = 10_000;

/** How often a node in the health gate looks at its workloads again (each look walks their pods). */
const HEALTH_POLL_MS = 500;

/** Per-key sum of two count maps. */
function sumCounts(a: Record<string, number> | undefined, b: Record<string, number>): Record<string, number> {
  const out = { ...(a ?? {}) };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/**
 * One node's way through a run: cordon → drain → upgrade → wait-ready → uncordon → health, each a step that
 * says whether the node goes on. Its state is written to the run's ConfigMap as it goes. A transient API error
 * redoes the node's phase from where a resumed run would.
 */
export class NodeJourney {
  private readonly t0 = Date.now();
  private readonly deadline: number;

  /** `abortSignal`: the run was aborted (drains stop, their nodes are uncordoned). */
  constructor(
    private readonly r: RunShared,
    private readonly n: NodeState,
    private readonly abortSignal: AbortSignal,
  ) {
    this.deadline = this.t0 + r.state.settings.nodeTimeoutMs;
  }

  private get settings(): RunShared['state']['settings'] {
    return this.r.state.settings;
  }

  /** The run lost its lease: stop acting at once. */
  private get leaseLost(): boolean {
    return this.r.deps.signal.aborted;
  }

  async run(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.walk();
        return;
      } catch (err) {
        if (!(await this.retryAfterApiError(err, attempt))) return;
      } finally {
        if (isFinished(this.n.phase)) this.r.deps.store.nodeChanged(this.n.name);
      }
    }
  }

  /** The steps from the node's phase on; each returns false when the node's journey ends there. */
  private async walk(): Promise<void> {
    const n = this.n;
    const obj = this.r.deps.world.node(n.name);
    if (!obj) return this.fail('the node no longer exists');
    if (n.phase === 'pending' && !this.startUnlessAtVersion(obj)) return;
    if (n.phase === 'cordon') await this.cordonUnlessCordonedBefore();
    if (n.phase === 'drain' && !(await this.drainUnlessAborted())) return;
    if (n.phase === 'upgrade' && !(await this.upgradeUnlessDoneBefore())) return;
    if (n.phase === 'wait-ready' && !(await this.waitReadyAtVersion())) return;
    if (n.phase === 'uncordon') await this.uncordonUnlessCordonedBefore();
    if (n.phase === 'health') await this.healthGate();
  }

  private fail(message: string): void {
    const n = this.n;
    this.r.set(n, { phase: 'failed', message, finishedAt: iso(), timings: { ...n.timings, total: (n.timings.total ?? 0) + Date.now() - this.t0 } });
    this.r.event(`failed: ${message}`, n.name);
    this.r.nodeFailed();
  }

  /** A node that already reports the expected version is skipped; any other starts (remembering an earlier cordon). */
  private startUnlessAtVersion(obj: V1Node): boolean {
    const { n, settings: st } = this;
    if (st.expectVersion !== undefined && kubeletVersion(obj) === st.expectVersion) {
      this.r.set(n, { phase: 'skipped', from: st.expectVersion, to: st.expectVersion, message: `already at ${st.expectVersion}`, finishedAt: iso() });
      this.r.event(`skipped: already at ${st.expectVersion}`, n.name);
      return false;
    }
    this.r.set(n, { phase: 'cordon', from: kubeletVersion(obj), wasCordoned: cordonedBefore(obj, this.r.state.name), startedAt: iso() });
    return true;
  }

  /** A node cordoned before the run gets no mark: the run leaves it cordoned. */
  private async cordonUnlessCordonedBefore(): Promise<void> {
    const { client, signal } = this.r.deps;
    await cordon(client, this.n.name, this.n.wasCordoned ? undefined : this.r.state.name, signal);
    this.r.set(this.n, { phase: 'drain' });
    this.r.event('cordoned; draining', this.n.name);
  }

  /** Drains the node. An abort of the run uncordons it (nothing on it changed yet); a drain that fails fails the node. */
  private async drainUnlessAborted(): Promise<boolean> {
    const { n, settings: st } = this;
    const t = Date.now();
    if (n.drainStartedAt === undefined) this.r.set(n, { drainStartedAt: iso() });
    const r = await this.drain(Math.min(this.deadline, t + st.drainTimeoutMs));
    this.r.set(n, {
      evicted: n.evicted + r.evicted,
      workloads: [...new Set([...(n.workloads ?? []), ...r.workloads])],
      evictedFrom: sumCounts(n.evictedFrom, r.evictedFrom),
      timings: { ...n.timings, drain: (n.timings.drain ?? 0) + Date.now() - t },
      ...(r.blockedBy.length ? { blockedBy: [...new Set([...(n.blockedBy ?? []), ...r.blockedBy])] } : {}),
    });
    if (this.leaseLost) return false;
    if (this.abortSignal.aborted) {
      if (!n.wasCordoned) await uncordon(this.r.deps.client, n.name, this.r.deps.signal);
      this.r.set(n, { phase: 'aborted', message: 'run aborted during the drain; node uncordoned', finishedAt: iso() });
      this.r.event('aborted during the drain; uncordoned', n.name);
      return false;
    }
    if (!r.ok) {
      this.fail(`drain: ${r.message} (node left cordoned)`);
      return false;
    }
    this.r.set(n, { phase: 'upgrade' });
    this.r.event(`drained (${r.evicted} pod(s) evicted); upgrading`, n.name);
    return true;
  }

  private drain(deadline: number): Promise<DrainResult> {
    const { deps } = this.r;
    const st = this.settings;
    const n = this.n;
    const signal = AbortSignal.any([deps.signal, this.abortSignal]);
    setMaxListeners(0, signal);
    return drainNode(
      {
        client: deps.client,
        world: deps.world,
        evictionApi: deps.evictionApi,
        pdbApi: deps.pdbApi,
        podTimeoutMs: st.podTimeoutMs,
        deleteEmptyDirData: st.deleteEmptyDirData,
        signal,
        budget: this.r.budget,
        slots: this.r.slots,
        lanes: this.r.lanes,
        event: (node, m) => this.r.event(m, node),
        blocked: (_node, pdb) => this.r.set(n, { blockedBy: [...new Set([...(n.blockedBy ?? []), pdb])] }),
      },
      n.name,
      deadline,
    );
  }

  /** A node an interrupted run already upgraded (it reports the expected version) is not upgraded again. */
  private actionAlreadyRan(): boolean {
    const st = this.settings;
    return st.expectVersion !== undefined && this.n.upgradeAttempts > 0 && kubeletVersion(this.r.deps.world.node(this.n.name)) === st.expectVersion;
  }

  /** Runs the upgrade action unless an interrupted run already did; a failed action fails the node (left cordoned). */
  private async upgradeUnlessDoneBefore(): Promise<boolean> {
    const { n } = this;
    const { client, store, signal, simulator } = this.r.deps;
    const t = Date.now();
    const spent = (): Partial<NodeState> => ({ timings: { ...n.timings, upgrade: (n.timings.upgrade ?? 0) + Date.now() - t } });
    if (this.actionAlreadyRan()) this.r.event('already upgraded by the interrupted run; not upgraded again', n.name);
    else {
      this.r.set(n, { upgradeAttempts: n.upgradeAttempts + 1 });
      // Written before the action runs: a resumed run knows the action may have happened.
      await store.flush();
      const timeout = AbortSignal.timeout(Math.max(1, this.deadline - Date.now()));
      const r = await runAction(client, this.settings.action, n.name, AbortSignal.any([signal, timeout]), simulator);
      if (this.leaseLost) return false;
      if (!r.ok) {
        this.r.set(n, spent());
        this.fail(`upgrade action: ${r.detail} (node left cordoned)`);
        return false;
      }
    }
    this.r.set(n, { phase: 'wait-ready', ...spent() });
    return true;
  }

  /** Waits until the node is Ready (at the expected kubelet version when there is one), within the node timeout. */
  private async waitReadyAtVersion(): Promise<boolean> {
    const { n } = this;
    const { world, signal } = this.r.deps;
    const expect = this.settings.expectVersion;
    const t = Date.now();
    const ok = await until(() => {
      const o = world.node(n.name);
      return nodeReady(o) && (expect === undefined || kubeletVersion(o) === expect);
    }, this.deadline, signal);
    if (this.leaseLost) return false;
    this.r.set(n, { to: kubeletVersion(world.node(n.name)), timings: { ...n.timings, waitReady: (n.timings.waitReady ?? 0) + Date.now() - t } });
    if (!ok) {
      this.fail(`not Ready${expect ? ` with kubelet ${expect}` : ''} within the node timeout (node left cordoned)`);
      return false;
    }
    this.r.set(n, { phase: 'uncordon' });
    return true;
  }

  /** A node cordoned before the run stays cordoned. */
  private async uncordonUnlessCordonedBefore(): Promise<void> {
    if (!this.n.wasCordoned) await uncordon(this.r.deps.client, this.n.name, this.r.deps.signal);
    this.r.set(this.n, { phase: 'health' });
  }

  /** Waits until the workloads whose pods were evicted have them back (see healthVerdict); then the node is done. */
  private async healthGate(): Promise<void> {
    const { n, r } = this;
    const { world, signal } = r.deps;
    const t = Date.now();
    let waiting: string[] = [];
    const ok = await until(() => {
      const v = healthVerdict(world, n, r.ledger);
      waiting = v.waiting;
      if (waiting.length > 0) return false;
      for (const c of v.claims) r.ledger.claim(c.workload, c.uids);
      return true;
    }, Math.min(this.deadline, t + this.settings.healthTimeoutMs), signal, HEALTH_POLL_MS);
    if (this.leaseLost) return;
    r.set(n, { timings: { ...n.timings, health: (n.timings.health ?? 0) + Date.now() - t } });
    if (!ok) return this.fail(`health gate: ${waiting.slice(0, 3).join('; ')} (node upgraded and uncordoned)`);
    r.set(n, { phase: 'done', finishedAt: iso(), timings: { ...n.timings, total: (n.timings.total ?? 0) + Date.now() - this.t0 } });
    r.event(`done: ${n.from ?? '?'} → ${n.to ?? '?'} in ${((Date.now() - this.t0) / 1000).toFixed(1)}s`, n.name);
  }

  /**
   * A busy API server (a timed-out list, a 5xx, a reset) is no verdict on the node: its phase is redone from the
   * point a resumed run would, after a backoff, until the node's own timeout. Any other error fails the node.
   * Returns whether to go again.
   */
  private async retryAfterApiError(err: unknown, attempt: number): Promise<boolean> {
    const { n } = this;
    const { signal } = this.r.deps;
    if (signal.aborted) return false;
    const wait = exponentialDelay(TRANSIENT_BACKOFF_MS, TRANSIENT_MAX_BACKOFF_MS, 2, attempt - 1);
    if (!isTransientApiError(err) || Date.now() + wait >= this.deadline) {
      this.fail(errorMessage(err));
      return false;
    }
    const from = resumePhase(n.phase);
    this.r.event(`API error in ${n.phase}: ${errorMessage(err)}; retrying from ${from} in ${wait / 1000}s`, n.name);
    this.r.set(n, { phase: from, transientErrors: (n.transientErrors ?? 0) + 1 });
    try {
      await sleep(wait, signal);
      return true;
    } catch {
      return false; // the run lost its lease: stop acting at once
    }
  }
}
