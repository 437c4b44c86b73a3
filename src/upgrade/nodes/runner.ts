import { setMaxListeners } from 'node:events';
import { EvictionBudget, EvictionSlots, PdbLanes } from './budget.js';
import { SuccessorLedger } from './health.js';
import { NodeJourney } from './journey.js';
import { runOutcome, windowDone } from './outcome.js';
import { iso, type RunnerDeps, type RunShared } from './run-context.js';
import { errorMessage } from '../../errors/index.js';
import { countNodes, freeSlots, resumePhase, startOrder, type Control, type NodeState, type RunState } from './state.js';
import { sleep } from '../../kube/clock.js';

export type { RunEvent, RunnerDeps } from './run-context.js';

/**
 * Eviction requests the run keeps on the wire at once (see EvictionSlots): a bound for pathological cases, not
 * a tuning. Measured at 1,000 nodes / window 100: an eviction there takes 2.2–2.8 s on the server (PDB update
 * conflicts with the disruption controller, retried after 500 ms each), so 32 slots capped the run at about 13
 * evictions/s, below the ~20/s it reached without a cap.
 */
const EVICTIONS_IN_FLIGHT = 128;

/**
 * The sliding window: at most `window` nodes in flight (failed nodes, left cordoned, keep their
 * slot); the moment one finishes the next starts. Each node goes cordon → drain → upgrade →
 * wait-ready → uncordon → health; its state is written to the run's ConfigMap as it goes.
 */
export class Runner implements RunShared {
  private readonly s: RunState;
  private readonly running = new Map<string, { p: Promise<void>; abort: AbortController }>();
  private control: Control = '';
  private stopping = false;
  /** Successors already counted by a node's health gate (in memory: a resumed run starts with none). */
  readonly ledger = new SuccessorLedger();
  /** Disruptions left per PDB as this run sees them (shared by every drain in the window). */
  readonly budget = new EvictionBudget();
  /** Eviction requests on the wire at once, over all drains of the window. */
  readonly slots = new EvictionSlots(EVICTIONS_IN_FLIGHT);
  /** One eviction request on the wire per PDB (concurrent ones only conflict on its status). */
  readonly lanes = new PdbLanes();

  constructor(private readonly d: RunnerDeps) {
    this.s = d.store.state;
    setMaxListeners(0, d.signal);
  }

  get deps(): RunnerDeps {
    return this.d;
  }

  get state(): RunState {
    return this.s;
  }

  event(message: string, node?: string): void {
    this.d.onEvent({ at: Date.now(), message, ...(node ? { node } : {}) });
  }

  set(n: NodeState, patch: Partial<NodeState>): void {
    Object.assign(n, patch);
    this.d.store.nodeChanged(n.name);
  }

  nodeFailed(): void {
    if (this.s.settings.onFailure === 'stop' && !this.stopping) {
      this.stopping = true;
      this.event('stopping: no new node starts (--on-failure stop)');
    }
  }

  async run(): Promise<RunState> {
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
      if (mayStart) this.startWhileSlotsFree(queue, failedCordoned);
      if (windowDone(this.running.size, queue.length, mayStart, this.s.window, failedCordoned)) break;
      await Promise.race([...[...this.running.values()].map((r) => r.p), sleep(250)]);
    }
    await Promise.allSettled([...this.running.values()].map((r) => r.p));
    await controlRead;
    if (this.d.signal.aborted) return this.s;
    return this.end();
  }

  /** Starts queued nodes while the window has a free slot (failed nodes keep theirs). */
  private startWhileSlotsFree(queue: NodeState[], failedCordoned: number): void {
    while (queue.length > 0 && freeSlots(this.s.window, this.running.size, failedCordoned) > 0) {
      const n = queue.shift()!;
      const abort = new AbortController();
      const p = new NodeJourney(this, n, abort.signal).run().finally(() => this.running.delete(n.name));
      this.running.set(n.name, { p, abort });
    }
  }

  /** Writes how the run ended (see runOutcome). */
  private async end(): Promise<RunState> {
    const { phase, message } = runOutcome(countNodes(this.s), this.control, this.s.settings.onFailure);
    this.s.phase = phase;
    if (phase !== 'Paused') this.s.finishedAt = iso();
    this.s.message = message;
    this.d.store.runChanged();
    await this.d.store.flush();
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
      this.event(`cannot read the run's control key (${errorMessage(err)}); will retry`);
    }
  }
}
