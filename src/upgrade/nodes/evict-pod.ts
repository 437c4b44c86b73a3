import type { V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { sleep } from '../../kube/clock.js';
import type { DrainContext } from './drain-context.js';
import { evictPod, type EvictOutcome } from './eviction.js';
import { pdbName, pdbsFor } from './pods.js';
import { until } from './world.js';

/** The shortest wait before a blocked eviction is tried again. */
const MIN_RETRY_MS = 250;

/** How long an eviction waits on a PDB that allows no disruption before the PDB is named as blocking it. */
const BLOCK_NOTICE_MS = 2_000;

/** How long a drain trusts the run's PDB count before it asks the server anyway. */
const PROBE_MS = 30_000;

const INTERRUPTED = 'interrupted';

/** Every PDB named shows disruptionsAllowed > 0 in the cache (a hint when to retry, not a decision). */
function allowsDisruption(ctx: DrainContext, pdbs: readonly string[]): boolean {
  return pdbs.length > 0 && pdbs.every((k) => (ctx.world.pdbs.get(k)?.status?.disruptionsAllowed ?? 0) > 0);
}

/**
 * Evict one pod and wait until it is gone. Returns 'evicted', 'gone', 'interrupted' or why it failed. A 429 (a
 * PodDisruptionBudget does not allow the disruption now) is retried with backoff until the pod's or the drain's
 * deadline; nothing is ever deleted directly.
 */
export function evictOne(ctx: DrainContext, node: string, pod: V1Pod, drainDeadline: number, blockedBy: Set<string>): Promise<string> {
  return new PodEviction(ctx, node, pod, drainDeadline, blockedBy).run();
}

class PodEviction {
  private readonly ns: string;
  private readonly name: string;
  private readonly uid: string | undefined;
  private readonly deadline: number;
  /** PDBs already named as blocking this pod (once each: the run state, the event stream). */
  private readonly reported = new Set<string>();
  private delay = 500;
  private lastBlock = '';

  constructor(
    private readonly ctx: DrainContext,
    private readonly node: string,
    private readonly pod: V1Pod,
    private readonly drainDeadline: number,
    private readonly blockedBy: Set<string>,
  ) {
    this.ns = pod.metadata!.namespace!;
    this.name = pod.metadata!.name!;
    this.uid = pod.metadata!.uid;
    this.deadline = Math.min(drainDeadline, Date.now() + ctx.podTimeoutMs);
  }

  private readonly get = (k: string): V1PodDisruptionBudget | undefined => this.ctx.world.pdbs.get(k);

  async run(): Promise<string> {
    const { ctx } = this;
    for (;;) {
      if (ctx.signal.aborted) return INTERRUPTED;
      if (Date.now() >= this.deadline) return this.timedOut();
      const covering = pdbsFor(this.pod, ctx.world.pdbs.list(), ctx.pdbApi).map(pdbName);
      if (!(await this.waitUntilBudgetAllows(covering))) return INTERRUPTED;
      const out = await this.send(covering);
      if (out === 'again') continue;
      if (out === INTERRUPTED) return INTERRUPTED;
      if (out.kind === 'gone') return 'gone';
      if (ctx.signal.aborted) return INTERRUPTED;
      if (out.kind === 'evicted') return this.waitUntilGone();
      this.noteRefusal(out, covering);
      if (!(await this.backOff(out, covering))) return INTERRUPTED;
    }
  }

  private timedOut(): string {
    const pdbs = this.lastBlock ? ` (blocked by PodDisruptionBudget ${[...this.reported].join(', ') || 'unknown'}: ${this.lastBlock})` : '';
    return `pod ${this.ns}/${this.name} was not evicted within the ${this.deadline === this.drainDeadline ? 'drain' : 'pod'} timeout${pdbs}; nothing was forced`;
  }

  /** Records the PDBs that hold the pod back (once each: the run state, the event stream). */
  private report(pdbs: readonly string[], say: (pdb: string) => string): void {
    for (const n of pdbs) {
      this.blockedBy.add(n);
      if (this.reported.has(n)) continue;
      this.reported.add(n);
      this.ctx.blocked?.(this.node, n);
      this.ctx.event(this.node, say(n));
    }
  }

  /**
   * Asks only when the PDBs (as cached, less this run's evictions not yet in the cache) allow it. The PDB watch
   * says when that changes; every PROBE_MS the server is asked anyway, in case the count is off. Returns false
   * when the drain was interrupted.
   */
  private async waitUntilBudgetAllows(covering: readonly string[]): Promise<boolean> {
    const { ctx } = this;
    const budget = ctx.budget;
    if (!budget || covering.length === 0 || budget.allows(covering, this.get)) return true;
    const allows = (): boolean => budget.allows(covering, this.get);
    const waitUntil = Math.min(this.deadline, Date.now() + PROBE_MS);
    // A wait of a moment (the run's own evictions of the PDB's pods in flight, a successor about to be Ready)
    // is no block. Past BLOCK_NOTICE_MS, a PDB whose own status allows no disruption is named as blocking.
    if (!(await until(allows, Math.min(waitUntil, Date.now() + BLOCK_NOTICE_MS), ctx.signal, 250))) {
      if (ctx.signal.aborted) return false;
      const exhausted = covering.filter((k) => !allowsDisruption(ctx, [k]) && this.get(k)?.status !== undefined);
      if (exhausted.length > 0) {
        this.lastBlock = 'no disruption allowed now (status.disruptionsAllowed is 0)';
        this.report(exhausted, (n) => `eviction of ${this.ns}/${this.name} blocked by PodDisruptionBudget ${n}; waiting (it allows no disruption now)`);
      }
      await until(allows, waitUntil, ctx.signal, 250);
    }
    return !ctx.signal.aborted;
  }

  /** The PDBs' lanes and a slot of the run (see PdbLanes, EvictionSlots): how to give them back, or undefined when interrupted. */
  private async takeTheWire(covering: readonly string[]): Promise<(() => void) | undefined> {
    const { ctx } = this;
    let releaseLanes: (() => void) | undefined;
    let releaseSlot: (() => void) | undefined;
    try {
      releaseLanes = await ctx.lanes?.acquire(covering, ctx.signal);
      releaseSlot = await ctx.slots?.acquire(ctx.signal);
    } catch {
      releaseLanes?.();
      return undefined;
    }
    return (): void => {
      releaseSlot?.();
      releaseLanes?.();
    };
  }

  /**
   * Sends the eviction once it may go on the wire, counted against the run's budget while it is there. 'again'
   * when the waits for the wire used up the PDBs' allowance (look again).
   */
  private async send(covering: readonly string[]): Promise<EvictOutcome | 'again' | typeof INTERRUPTED> {
    const { ctx } = this;
    const release = await this.takeTheWire(covering);
    if (!release) return INTERRUPTED;
    if (ctx.budget && covering.length > 0 && !ctx.budget.allows(covering, this.get)) {
      release();
      return 'again';
    }
    const token = ctx.budget?.take(covering);
    const out = await evictPod(ctx.client, ctx.evictionApi, this.ns, this.name, this.uid, ctx.signal)
      .catch((err: unknown) => {
        if (token) ctx.budget?.give(token);
        if (ctx.signal.aborted) return { kind: 'error' as const, message: INTERRUPTED };
        throw err;
      })
      .finally(release);
    if (token && out.kind === 'evicted') ctx.budget?.accepted(token, this.get);
    else if (token) ctx.budget?.give(token);
    return out;
  }

  /** An accepted eviction: the pod must be gone (or replaced under its name) within the pod's deadline. */
  private async waitUntilGone(): Promise<string> {
    const { ctx } = this;
    const gone = await until(() => {
      const p = ctx.world.pod(this.ns, this.name);
      return !p || p.metadata?.uid !== this.uid;
    }, this.deadline, ctx.signal);
    if (gone) return 'evicted';
    if (ctx.signal.aborted) return INTERRUPTED;
    return `pod ${this.ns}/${this.name} was evicted but did not terminate within the pod timeout; nothing was forced`;
  }

  /** A 429 names the PDBs that refused it; any other failure is said, and both are retried. */
  private noteRefusal(out: Exclude<EvictOutcome, { kind: 'evicted' | 'gone' }>, covering: readonly string[]): void {
    const { ctx, node } = this;
    if (out.kind === 'blocked') {
      this.lastBlock = out.message;
      this.report(covering, (n) => `eviction of ${this.ns}/${this.name} blocked by PodDisruptionBudget ${n}; waiting (429: ${out.message})`);
      if (covering.length === 0 && !this.reported.has('?')) {
        this.reported.add('?');
        ctx.event(node, `eviction of ${this.ns}/${this.name} refused with 429: ${out.message}; waiting`);
      }
    } else {
      ctx.event(node, `eviction of ${this.ns}/${this.name} failed: ${out.message}; retrying`);
    }
  }

  /**
   * Waits before the next try: a blocked eviction at the end of the backoff, or earlier once the cache shows that
   * every PDB covering the pod allows a disruption again (the API server still decides; nothing is forced). Returns
   * false when the drain was interrupted.
   */
  private async backOff(out: Exclude<EvictOutcome, { kind: 'evicted' | 'gone' }>, covering: readonly string[]): Promise<boolean> {
    const { ctx } = this;
    if (out.kind === 'blocked') {
      const wake = Math.min(this.deadline, Date.now() + this.delay);
      const earliest = Date.now() + MIN_RETRY_MS;
      await until(() => Date.now() >= earliest && allowsDisruption(ctx, covering), wake, ctx.signal, 200);
      if (ctx.signal.aborted) return false;
    } else {
      try {
        await sleep(Math.min(this.delay, Math.max(1, this.deadline - Date.now())), ctx.signal);
      } catch {
        return false;
      }
    }
    this.delay = Math.min(this.delay * 2, 5_000);
    return true;
  }
}
