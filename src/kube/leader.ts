import type { Logger } from 'pino';
import { PlinthError, errorMessage } from '../errors/index.js';
import { isAlreadyExists, isConflict, isNotFound } from './api-error.js';
import { realClock, sleep, type Clock } from './clock.js';
import { rfc3339Micro } from './clock.js';
import { holderIdentity } from './holder.js';
import type { KubeClient } from './http.js';
import { logger } from './log.js';
import { leaderStatus, leaderTransitions } from './metrics.js';
import { CORE, inNamespace } from './resource.js';

/** The election record, as kept in a coordination.k8s.io/v1 Lease's spec. */
export interface LeaseRecord {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** Where the record lives. `version` is an opaque token for optimistic concurrency. */
export interface LeaseLock {
  readonly description: string;
  get(signal: AbortSignal): Promise<{ record: LeaseRecord; version: string } | undefined>;
  /** Fails (throws) if the lease already exists. */
  create(record: LeaseRecord, signal: AbortSignal): Promise<string>;
  /** Fails (throws) if the lease changed since `version`. */
  update(record: LeaseRecord, version: string, signal: AbortSignal): Promise<string>;
}

interface LeaseObject {
  metadata?: { resourceVersion?: string };
  spec?: LeaseRecord;
}

/** A LeaseLock on a real coordination.k8s.io/v1 Lease. */
export class KubeLeaseLock implements LeaseLock {
  readonly description: string;
  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
    private readonly name: string,
  ) {
    this.description = `lease ${namespace}/${name}`;
  }

  async get(signal: AbortSignal): Promise<{ record: LeaseRecord; version: string } | undefined> {
    try {
      const lease = await this.client.get<LeaseObject>(inNamespace(CORE.leases, this.namespace), this.name, { signal });
      return { record: lease.spec ?? {}, version: lease.metadata?.resourceVersion ?? '' };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async create(record: LeaseRecord, signal: AbortSignal): Promise<string> {
    const lease = await this.client.create<LeaseObject>(
      inNamespace(CORE.leases, this.namespace),
      { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.name, namespace: this.namespace }, spec: record },
      { signal },
    );
    return lease.metadata?.resourceVersion ?? '';
  }

  async update(record: LeaseRecord, version: string, signal: AbortSignal): Promise<string> {
    const lease = await this.client.replace<LeaseObject>(
      inNamespace(CORE.leases, this.namespace),
      this.name,
      { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.name, namespace: this.namespace, resourceVersion: version }, spec: record },
      { signal },
    );
    return lease.metadata?.resourceVersion ?? '';
  }
}

export interface LeaderElectionOptions {
  lock: LeaseLock;
  /** Unique per process, e.g. `<hostname>_<random>`. */
  identity: string;
  /** How long followers wait after last seeing the lease change before taking it (default 15 s). */
  leaseDurationMs?: number;
  /** A leader that has not renewed for this long steps down (default 10 s; must be < leaseDuration). */
  renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew (default 2 s; jittered up to +20 % when acquiring). */
  retryPeriodMs?: number;
  /** Give the lease up on clean shutdown so another instance takes over at once (default true). */
  releaseOnCancel?: boolean;
  /** Compete again after losing leadership, once the previous term's work has stopped (default true). */
  rejoin?: boolean;
  /** Called when this instance becomes leader; `signal` aborts when it stops leading. May return a promise that settles when its work has stopped. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called right after this instance stops leading (lost the lease, missed the deadline, or shutdown). */
  onStoppedLeading?(): void;
  /** Called when the observed leader changes (including to this instance). */
  onNewLeader?(identity: string): void;
  /**
   * Whether the holder with this identity is known to be dead (e.g. holderIsDeadHere: its process is gone from
   * this host). The lease of a dead holder is taken at once instead of after it runs out. It must never call a
   * live holder dead; when unsure, it says alive (the lease is then waited out). Default: nobody is known dead.
   */
  holderIsDead?: (identity: string) => boolean;
  clock?: Clock;
  random?: () => number;
}

/**
 * Leader election on a Lease, after client-go's timing model. The leader renews every
 * retryPeriod. It steps down, aborting its work, once renewDeadline has passed since the start
 * of its last successful renewal. A follower measures the lease on its own clock, from the moment
 * it saw the last change (never from the holder's timestamps, so clock skew does not matter).
 *
 * One refinement over client-go: the follower's observation of a renewal comes after the
 * renewal really started, so it may credit back part of the safety margin. It takes over at
 * observed + leaseDuration − (leaseDuration − renewDeadline)/2. That is still
 * (leaseDuration − renewDeadline)/2 after the moment the old leader stopped. And because the
 * follower sees a renewal at most about one retryPeriod late, a crashed leader is replaced
 * within leaseDuration of its death whenever 1.2·retryPeriod < (leaseDuration − renewDeadline)/2.
 * The defaults (15 s / 10 s / 2 s) and the tests' values (4 s / 2.5 s / 0.5 s) both satisfy
 * this. All participants must use the same timings.
 */
export class LeaderElector {
  private readonly o: Required<Omit<LeaderElectionOptions, 'onStoppedLeading' | 'onNewLeader' | 'holderIsDead'>> &
    Pick<LeaderElectionOptions, 'onStoppedLeading' | 'onNewLeader' | 'holderIsDead'>;
  private readonly log: Logger;
  private observed: { record: LeaseRecord; version: string; at: number } | undefined;
  private leading = false;
  private lastRenewStart = 0;
  private reportedLeader: string | undefined;

  constructor(opts: LeaderElectionOptions) {
    this.o = {
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      releaseOnCancel: true,
      rejoin: true,
      clock: realClock,
      random: Math.random,
      ...opts,
    };
    if (this.o.renewDeadlineMs >= this.o.leaseDurationMs) {
      throw new PlinthError('INVALID_ARGUMENT', { what: 'leader election timing', detail: 'renewDeadline must be shorter than leaseDuration', fix: 'e.g. leaseDuration 15s, renewDeadline 10s, retryPeriod 2s' });
    }
    if (this.o.retryPeriodMs >= this.o.renewDeadlineMs) {
      throw new PlinthError('INVALID_ARGUMENT', { what: 'leader election timing', detail: 'retryPeriod must be shorter than renewDeadline', fix: 'e.g. leaseDuration 15s, renewDeadline 10s, retryPeriod 2s' });
    }
    this.log = logger('leader', { lease: opts.lock.description, identity: opts.identity });
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder this instance last observed (may be itself). */
  get observedLeader(): string | undefined {
    return this.observed?.record.holderIdentity || undefined;
  }

  /**
   * Take part in the election until `signal` aborts. On abort, a leader stops its work and
   * (with releaseOnCancel) releases the lease before this resolves.
   */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const acquired = await this.acquire(signal);
      if (!acquired) break;
      await this.lead(signal);
      if (!this.o.rejoin) break;
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    const { clock } = this.o;
    this.log.debug('trying to acquire the lease');
    while (!signal.aborted) {
      const start = clock.now();
      if (await this.tryAcquireOrRenew(signal, this.o.renewDeadlineMs)) {
        this.lastRenewStart = start;
        return true;
      }
      let wait = this.o.retryPeriodMs * (1 + 0.2 * this.o.random());
      // Wake up right when the current holder's lease expires (as we measure it), not later.
      const exp = this.expiry();
      if (exp !== undefined && exp > clock.now()) wait = Math.min(wait, exp - clock.now() + 1);
      try {
        await sleep(wait, signal, clock);
      } catch {
        return false;
      }
    }
    return false;
  }

  private async lead(outer: AbortSignal): Promise<void> {
    const { clock } = this.o;
    const term = new AbortController();
    this.leading = true;
    leaderStatus.labels(this.o.lock.description).set(1);
    leaderTransitions.labels(this.o.lock.description, 'leader').inc();
    this.log.info('started leading');
    let deadlineCancel = clock.setTimer(
      () => this.stepDown(term, 'renew deadline passed'),
      this.lastRenewStart + this.o.renewDeadlineMs - clock.now(),
    );
    const onOuter = (): void => term.abort(new Error('shutting down'));
    outer.addEventListener('abort', onOuter, { once: true });
    let work: Promise<void> = Promise.resolve();
    try {
      const started = this.o.onStartedLeading(term.signal);
      if (started) work = started.catch((err: unknown) => this.log.error({ err: String(err) }, 'onStartedLeading failed'));
    } catch (err) {
      this.log.error({ err: String(err) }, 'onStartedLeading threw');
    }
    // Renew loop: every retryPeriod while the deadline has not passed.
    while (!term.signal.aborted) {
      try {
        await sleep(this.o.retryPeriodMs, term.signal, clock);
      } catch {
        break;
      }
      const start = clock.now();
      const remaining = this.lastRenewStart + this.o.renewDeadlineMs - start;
      if (remaining <= 0) {
        this.stepDown(term, 'renew deadline passed');
        break;
      }
      const ok = await this.tryAcquireOrRenew(term.signal, remaining);
      if (term.signal.aborted) break;
      if (ok) {
        this.lastRenewStart = start;
        deadlineCancel();
        deadlineCancel = clock.setTimer(() => this.stepDown(term, 'renew deadline passed'), start + this.o.renewDeadlineMs - clock.now());
      } else if (this.observed && this.observed.record.holderIdentity !== this.o.identity && this.observed.record.holderIdentity) {
        this.stepDown(term, `lease taken by ${this.observed.record.holderIdentity}`);
        break;
      }
    }
    deadlineCancel();
    outer.removeEventListener('abort', onOuter);
    if (!term.signal.aborted) term.abort(new Error('stopped leading'));
    this.markStopped();
    await work;
    if (outer.aborted && this.o.releaseOnCancel) await this.release();
  }

  /** Stop leading now: abort the term's work and report it. Idempotent. */
  private stepDown(term: AbortController, why: string): void {
    if (term.signal.aborted) return;
    this.log.warn({ why }, 'stepping down');
    term.abort(new PlinthError('NOT_LEADER', { lease: this.o.lock.description }));
    this.markStopped();
  }

  private markStopped(): void {
    if (!this.leading) return;
    this.leading = false;
    leaderStatus.labels(this.o.lock.description).set(0);
    leaderTransitions.labels(this.o.lock.description, 'follower').inc();
    this.log.info('stopped leading');
    try {
      this.o.onStoppedLeading?.();
    } catch (err) {
      this.log.error({ err: String(err) }, 'onStoppedLeading threw');
    }
  }

  /** When the observed holder's lease runs out, on our clock (undefined if free or ours). */
  private expiry(): number | undefined {
    const o = this.observed;
    if (!o || !o.record.holderIdentity || o.record.holderIdentity === this.o.identity) return undefined;
    const leaseMs = (o.record.leaseDurationSeconds ?? this.o.leaseDurationMs / 1000) * 1000;
    const credit = (this.o.leaseDurationMs - this.o.renewDeadlineMs) / 2;
    return o.at + Math.max(this.o.renewDeadlineMs + credit, leaseMs - credit);
  }

  private async tryAcquireOrRenew(signal: AbortSignal, timeoutMs: number): Promise<boolean> {
    const { clock, lock, identity } = this.o;
    const ac = new AbortController();
    const onAbort = (): void => ac.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const cancelTimer = clock.setTimer(() => ac.abort(new Error('lease request timed out')), timeoutMs);
    try {
      const now = clock.now();
      const leaseSeconds = Math.ceil(this.o.leaseDurationMs / 1000);
      const current = await lock.get(ac.signal);
      if (!current) {
        const record: LeaseRecord = { holderIdentity: identity, leaseDurationSeconds: leaseSeconds, acquireTime: rfc3339Micro(now), renewTime: rfc3339Micro(now), leaseTransitions: 0 };
        const version = await lock.create(record, ac.signal);
        this.observe(record, version);
        return true;
      }
      if (!this.observed || this.observed.version !== current.version) this.observe(current.record, current.version);
      const holder = current.record.holderIdentity;
      const mine = holder === identity;
      const exp = this.expiry();
      if (!mine && holder && exp !== undefined && exp > clock.now() && !this.knownDead(holder)) return false;
      const record: LeaseRecord = {
        holderIdentity: identity,
        leaseDurationSeconds: leaseSeconds,
        acquireTime: mine ? current.record.acquireTime : rfc3339Micro(now),
        renewTime: rfc3339Micro(now),
        leaseTransitions: (current.record.leaseTransitions ?? 0) + (mine ? 0 : 1),
      };
      const version = await lock.update(record, current.version, ac.signal);
      this.observe(record, version);
      return true;
    } catch (err) {
      if (!signal.aborted && !isConflict(err) && !isAlreadyExists(err)) {
        this.log.debug({ err: errorMessage(err) }, 'lease request failed');
      }
      return false;
    } finally {
      cancelTimer();
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** The holder's lease may be taken before it runs out: holderIsDead says its process is gone. */
  private knownDead(holder: string): boolean {
    let dead = false;
    try {
      dead = this.o.holderIsDead?.(holder) ?? false;
    } catch (err) {
      this.log.warn({ err: String(err), holder }, 'holderIsDead threw; treating the holder as alive');
    }
    if (dead) this.log.info({ holder }, 'the holder is dead (its process is gone from this host); taking the lease now');
    return dead;
  }

  private observe(record: LeaseRecord, version: string): void {
    this.observed = { record, version, at: this.o.clock.now() };
    const holder = record.holderIdentity || undefined;
    if (holder && holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      this.log.info({ leader: holder }, 'new leader observed');
      try {
        this.o.onNewLeader?.(holder);
      } catch (err) {
        this.log.error({ err: String(err) }, 'onNewLeader threw');
      }
    }
  }

  /** Clear the holder so another instance can take over immediately. */
  private async release(): Promise<void> {
    const o = this.observed;
    if (!o || o.record.holderIdentity !== this.o.identity) return;
    const ac = new AbortController();
    const cancel = this.o.clock.setTimer(() => ac.abort(new Error('release timed out')), this.o.renewDeadlineMs);
    try {
      const now = rfc3339Micro(this.o.clock.now());
      const record: LeaseRecord = { ...o.record, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now };
      const version = await this.o.lock.update(record, o.version, ac.signal);
      this.observed = { record, version, at: this.o.clock.now() };
      this.log.info('released the lease');
    } catch (err) {
      this.log.warn({ err: errorMessage(err) }, 'could not release the lease');
    } finally {
      cancel();
    }
  }
}

/**
 * A default identity: `plinth-manager@<host>_<pid>_<pidns>_<boot>_<random>` (holderIdentity), so that a later process
 * on the same host can tell that this one died (holderIsDeadHere) and take its lease at once.
 */
export function defaultIdentity(name = 'plinth-manager'): string {
  return holderIdentity(name);
}
