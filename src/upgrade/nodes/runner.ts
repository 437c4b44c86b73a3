import { setMaxListeners } from 'node:events';
import type { KubeClient } from '../../kube/http.js';
import { isTransientApiError } from '../../kube/api-error.js';
import { exponentialDelay } from '../../kube/backoff.js';
import { sleep } from '../../kube/clock.js';
import { runAction } from './action.js';
import { cordon, cordonedBefore, drainNode, uncordon } from './drain.js';
import { EvictionBudget, EvictionSlots, PdbLanes } from './budget.js';
import { healthVerdict, SuccessorLedger } from './health.js';
import { countNodes, freeSlots, isFinished, resumePhase, startOrder, type Control, type NodeState, type RunState } from './state.js';
import type { RunStore } from './store.js';
import { kubeletVersion, nodeReady, until, type World } from './world.js';

export interface RunEvent {
  at: number;
  node?: string;
  message: string;
}

export interface RunnerDeps {
  client: KubeClient;
  store: RunStore;
  world: World;
  evictionApi: string;
  pdbApi: string;
  /** Aborts when the run's lease is lost: stop acting at once. */
  signal: AbortSignal;
  onEvent(e: RunEvent): void;
  /** How often the control key (pause/abort) is read (default 1 s). */
  controlEveryMs?: number;
}

const iso = (t = Date.now()): string => new Date(t).toISOString();

/** The first and the longest wait before a node's phase is retried after a transient API error. */
const TRANSIENT_BACKOFF_MS = 1_000;
const TRANSIENT_MAX_BACKOFF_MS = 10_000;

/**
 * Eviction requests the run keeps on the wire at once (see EvictionSlots): a bound for pathological cases, not
 * a tuning. Measured at 1,000 nodes / window 100: an eviction there takes 2.2–2.8 s on the server (PDB update
 * conflicts with the disruption controller, retried after 500 ms each), so 32 slots capped the run at about 13
 * evictions/s, below the ~20/s it reached without a cap.
 */
const EVICTIONS_IN_FLIGHT = 128;

/** How often a node in the health gate looks at its workloads again (each look walks their pods). */
const HEALTH_POLL_MS = 500;

/** Per-key sum of two count maps. */
function sumCounts(a: Record<string, number> | undefined, b: Record<string, number>): Record<string, number> {
  const out = { ...(a ?? {}) };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}
const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The sliding window: at most `window` nodes in flight (failed nodes, left cordoned, keep their
 * slot); the moment one finishes the next starts. Each node goes cordon → drain → upgrade →
 * wait-ready → uncordon → health; its state is written to the run's ConfigMap as it goes.
 */
export class Runner {
  private readonly s: RunState;
  private readonly running = new Map<string, { p: Promise<void>; abort: AbortController }>();
  private control: Control = '';
  private stopping = false;
  /** Successors already counted by a node's health gate (in memory: a resumed run starts with none). */
  private readonly ledger = new SuccessorLedger();
  /** Disruptions left per PDB as this run sees them (shared by every drain in the window). */
  private readonly budget = new EvictionBudget();
  /** Eviction requests on the wire at once, over all drains of the window. */
  private readonly slots = new EvictionSlots(EVICTIONS_IN_FLIGHT);
  /** One eviction request on the wire per PDB (concurrent ones only conflict on its status). */
  private readonly lanes = new PdbLanes();

  constructor(private readonly d: RunnerDeps) {
    this.s = d.store.state;
    setMaxListeners(0, d.signal);
  }

  private event(message: string, node?: string): void {
    this.d.onEvent({ at: Date.now(), message, ...(node ? { node } : {}) });
  }

  private set(n: NodeState, patch: Partial<NodeState>): void {
    Object.assign(n, patch);
    this.d.store.nodeChanged(n.name);
  }

  async run(): Promise<RunState> {
    const { store } = this.d;
    const queue = startOrder(Object.values(this.s.nodes));
    for (const n of queue) if (n.phase !== 'pending') this.set(n, { phase: resumePhase(n.phase) });
    // The first read decides whether any node may start (a run resumed while paused stays paused).
    await this.readControl();
    let lastControl = Date.now();
    let controlRead: Promise<void> | undefined;
    for (;;) {
      if (this.d.signal.aborted) break;
      // The control key is read beside the loop, not in it: on a busy API server the read can take seconds,
      // and free slots must not wait for it.
      if (!controlRead && Date.now() - lastControl >= (this.d.controlEveryMs ?? 1000)) {
        lastControl = Date.now();
        controlRead = this.readControl().finally(() => (controlRead = undefined));
      }
      const failedCordoned = Object.values(this.s.nodes).filter((n) => n.phase === 'failed').length;
      const mayStart = this.control === '' && !this.stopping;
      while (mayStart && queue.length > 0 && freeSlots(this.s.window, this.running.size, failedCordoned) > 0) {
        const n = queue.shift()!;
        const abort = new AbortController();
        const p = this.node(n, abort.signal).finally(() => this.running.delete(n.name));
        this.running.set(n.name, { p, abort });
      }
      if (this.running.size === 0 && (queue.length === 0 || !mayStart || freeSlots(this.s.window, 0, failedCordoned) === 0)) break;
      await Promise.race([...[...this.running.values()].map((r) => r.p), new Promise((r) => setTimeout(r, 250))]);
    }
    await Promise.allSettled([...this.running.values()].map((r) => r.p));
    await controlRead;
    const c = countNodes(this.s);
    if (this.d.signal.aborted) return this.s;
    this.s.phase = this.control === 'abort' ? 'Aborted' : this.control === 'pause' && c.pending + c.inFlight > 0 ? 'Paused' : c.failed > 0 || c.pending > 0 ? 'Failed' : 'Succeeded';
    if (this.s.phase !== 'Paused') this.s.finishedAt = iso();
    this.s.message =
      this.s.phase === 'Failed' && c.pending > 0
        ? `${c.failed} node(s) failed; ${c.pending} not started (${this.s.settings.onFailure === 'stop' ? '--on-failure stop' : 'failed nodes fill the window'})`
        : undefined;
    store.runChanged();
    await store.flush();
    return this.s;
  }

  private async readControl(): Promise<void> {
    try {
      const c = await this.d.store.control();
      if (c !== this.control) {
        if (c === 'pause') this.event('pause requested: nodes in flight finish, no new node starts');
        if (c === 'abort') this.event('abort requested: drains stop and their nodes are uncordoned; nodes already upgrading finish');
        if (c === '' && this.control === 'pause') this.event('resumed');
        this.control = c;
        if (c === 'abort') for (const r of this.running.values()) r.abort.abort(new Error('aborted'));
      }
    } catch (err) {
      this.event(`cannot read the run's control key (${errText(err)}); will retry`);
    }
  }

  private async node(n: NodeState, abortSignal: AbortSignal): Promise<void> {
    const { client, world, store, signal } = this.d;
    const st = this.s.settings;
    const t0 = Date.now();
    const deadline = t0 + st.nodeTimeoutMs;
    const fail = (message: string): void => {
      this.set(n, { phase: 'failed', message, finishedAt: iso(), timings: { ...n.timings, total: (n.timings.total ?? 0) + Date.now() - t0 } });
      this.event(`failed: ${message}`, n.name);
      if (st.onFailure === 'stop' && !this.stopping) {
        this.stopping = true;
        this.event('stopping: no new node starts (--on-failure stop)');
      }
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const obj = world.node(n.name);
        if (!obj) return fail('the node no longer exists');
        if (n.phase === 'pending') {
          if (st.expectVersion !== undefined && kubeletVersion(obj) === st.expectVersion) {
            this.set(n, { phase: 'skipped', from: st.expectVersion, to: st.expectVersion, message: `already at ${st.expectVersion}`, finishedAt: iso() });
            this.event(`skipped: already at ${st.expectVersion}`, n.name);
            return;
          }
          this.set(n, { phase: 'cordon', from: kubeletVersion(obj), wasCordoned: cordonedBefore(obj, this.s.name), startedAt: iso() });
        }
        if (n.phase === 'cordon') {
          // A node cordoned before the run gets no mark: the run leaves it cordoned.
          await cordon(client, n.name, n.wasCordoned ? undefined : this.s.name, signal);
          this.set(n, { phase: 'drain' });
          this.event('cordoned; draining', n.name);
        }
        if (n.phase === 'drain') {
          const t = Date.now();
          if (n.drainStartedAt === undefined) this.set(n, { drainStartedAt: iso() });
          const drainSignal = AbortSignal.any([signal, abortSignal]);
          setMaxListeners(0, drainSignal);
          const r = await drainNode(
            { client, world, evictionApi: this.d.evictionApi, pdbApi: this.d.pdbApi, podTimeoutMs: st.podTimeoutMs, deleteEmptyDirData: st.deleteEmptyDirData, signal: drainSignal, budget: this.budget, slots: this.slots, lanes: this.lanes, event: (node, m) => this.event(m, node),
              blocked: (_node, pdb) => this.set(n, { blockedBy: [...new Set([...(n.blockedBy ?? []), pdb])] }) },
            n.name,
            Math.min(deadline, t + st.drainTimeoutMs),
          );
          this.set(n, {
            evicted: n.evicted + r.evicted,
            workloads: [...new Set([...(n.workloads ?? []), ...r.workloads])],
            evictedFrom: sumCounts(n.evictedFrom, r.evictedFrom),
            timings: { ...n.timings, drain: (n.timings.drain ?? 0) + Date.now() - t },
            ...(r.blockedBy.length ? { blockedBy: [...new Set([...(n.blockedBy ?? []), ...r.blockedBy])] } : {}),
          });
          if (signal.aborted) return;
          if (abortSignal.aborted) {
            if (!n.wasCordoned) await uncordon(client, n.name, signal);
            this.set(n, { phase: 'aborted', message: 'run aborted during the drain; node uncordoned', finishedAt: iso() });
            this.event('aborted during the drain; uncordoned', n.name);
            return;
          }
          if (!r.ok) return fail(`drain: ${r.message} (node left cordoned)`);
          this.set(n, { phase: 'upgrade' });
          this.event(`drained (${r.evicted} pod(s) evicted); upgrading`, n.name);
        }
        if (n.phase === 'upgrade') {
          const t = Date.now();
          const already = st.expectVersion !== undefined && n.upgradeAttempts > 0 && kubeletVersion(world.node(n.name)) === st.expectVersion;
          if (!already) {
            this.set(n, { upgradeAttempts: n.upgradeAttempts + 1 });
            // Written before the action runs: a resumed run knows the action may have happened.
            await store.flush();
            const r = await runAction(client, st.action, n.name, AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, deadline - Date.now()))]));
            if (signal.aborted) return;
            if (!r.ok) {
              this.set(n, { timings: { ...n.timings, upgrade: (n.timings.upgrade ?? 0) + Date.now() - t } });
              return fail(`upgrade action: ${r.detail} (node left cordoned)`);
            }
          } else this.event('already upgraded by the interrupted run; not upgraded again', n.name);
          this.set(n, { phase: 'wait-ready', timings: { ...n.timings, upgrade: (n.timings.upgrade ?? 0) + Date.now() - t } });
        }
        if (n.phase === 'wait-ready') {
          const t = Date.now();
          const ok = await until(() => {
            const o = world.node(n.name);
            return nodeReady(o) && (st.expectVersion === undefined || kubeletVersion(o) === st.expectVersion);
          }, deadline, signal);
          if (signal.aborted) return;
          this.set(n, { to: kubeletVersion(world.node(n.name)), timings: { ...n.timings, waitReady: (n.timings.waitReady ?? 0) + Date.now() - t } });
          if (!ok) return fail(`not Ready${st.expectVersion ? ` with kubelet ${st.expectVersion}` : ''} within the node timeout (node left cordoned)`);
          this.set(n, { phase: 'uncordon' });
        }
        if (n.phase === 'uncordon') {
          if (!n.wasCordoned) await uncordon(client, n.name, signal);
          this.set(n, { phase: 'health' });
        }
        if (n.phase === 'health') {
          const t = Date.now();
          let waiting: string[] = [];
          const ok = await until(() => {
            const v = healthVerdict(world, n, this.ledger);
            waiting = v.waiting;
            if (waiting.length > 0) return false;
            for (const c of v.claims) this.ledger.claim(c.workload, c.uids);
            return true;
          }, Math.min(deadline, t + st.healthTimeoutMs), signal, HEALTH_POLL_MS);
          if (signal.aborted) return;
          this.set(n, { timings: { ...n.timings, health: (n.timings.health ?? 0) + Date.now() - t } });
          if (!ok) return fail(`health gate: ${waiting.slice(0, 3).join('; ')} (node upgraded and uncordoned)`);
          this.set(n, { phase: 'done', finishedAt: iso(), timings: { ...n.timings, total: (n.timings.total ?? 0) + Date.now() - t0 } });
          this.event(`done: ${n.from ?? '?'} → ${n.to ?? '?'} in ${((Date.now() - t0) / 1000).toFixed(1)}s`, n.name);
        }
        return;
      } catch (err) {
        if (signal.aborted) return;
        // A busy API server (a timed-out list, a 5xx, a reset) is no verdict on the node: redo its phase
        // from the point a resumed run would, with a backoff, until the node's own timeout.
        const wait = exponentialDelay(TRANSIENT_BACKOFF_MS, TRANSIENT_MAX_BACKOFF_MS, 2, attempt - 1);
        if (!isTransientApiError(err) || Date.now() + wait >= deadline) return fail(errText(err));
        const from = resumePhase(n.phase);
        this.event(`API error in ${n.phase}: ${errText(err)}; retrying from ${from} in ${wait / 1000}s`, n.name);
        this.set(n, { phase: from, transientErrors: (n.transientErrors ?? 0) + 1 });
        try {
          await sleep(wait, signal);
        } catch {
          return; // the run lost its lease: stop acting at once
        }
      } finally {
        if (isFinished(n.phase)) store.nodeChanged(n.name);
      }
    }
  }
}
