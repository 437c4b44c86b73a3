import { realClock, type Clock } from './clock.js';
import { queueAdds, queueDepth, queueLatency, queueRetries, queueWorkDuration } from './metrics.js';
import { DefaultRateLimiter, type RateLimiter } from './rate-limit.js';

export interface WorkQueueOptions<K> {
  /** For metrics and logs. */
  name: string;
  /** Used by `addRateLimited` (default: per-key 5 ms·2^n up to 1000 s, and a 10 qps / 100 burst bucket). */
  rateLimiter?: RateLimiter<K>;
  clock?: Clock;
}

export interface ShutdownOptions {
  /** true: hand out every key already queued, then stop. false (default): drop queued keys. */
  drain?: boolean;
}

/**
 * A controller work queue with client-go's semantics:
 * - a key added while it waits is queued once (dedup);
 * - a key added while a worker has it is queued again once, after `done(key)`;
 * - hence never two workers on the same key at once;
 * - `addAfter` delays (the earliest pending time wins), `addRateLimited` delays by the rate
 *   limiter (per-key backoff + overall bucket), `forget` resets a key's backoff;
 * - `shutdown` stops handing out keys (optionally after draining) and waits for in-flight work.
 */
export class WorkQueue<K extends string = string> {
  readonly name: string;
  private readonly clock: Clock;
  private readonly limiter: RateLimiter<K>;
  private ready: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Map<K, number>();
  private readonly enqueuedAt = new Map<K, number>();
  private readonly waiting = new Map<K, { at: number; cancel: () => void }>();
  private readonly takers: Array<(key: K | undefined) => void> = [];
  private shuttingDown = false;
  private draining = false;
  private idleWaiters: Array<() => void> = [];
  private readonly m: {
    depth: { set(v: number): void };
    adds: { inc(): void };
    retries: { inc(): void };
    work: { observe(v: number): void };
    latency: { observe(v: number): void };
  };

  constructor(opts: WorkQueueOptions<K>) {
    this.name = opts.name;
    this.clock = opts.clock ?? realClock;
    this.limiter = opts.rateLimiter ?? new DefaultRateLimiter<K>({ clock: this.clock });
    this.m = {
      depth: queueDepth.labels(this.name),
      adds: queueAdds.labels(this.name),
      retries: queueRetries.labels(this.name),
      work: queueWorkDuration.labels(this.name),
      latency: queueLatency.labels(this.name),
    };
  }

  /** Keys ready to be handed out. */
  get length(): number {
    return this.ready.length - this.head;
  }

  /** Keys a worker currently holds. */
  get inFlight(): number {
    return this.processing.size;
  }

  /** Keys scheduled by addAfter/addRateLimited that are not ready yet. */
  get delayed(): number {
    return this.waiting.size;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  isProcessing(key: K): boolean {
    return this.processing.has(key);
  }

  add(key: K): void {
    if (this.shuttingDown) return;
    this.m.adds.inc();
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Add after `ms`; if the key is already waiting, the earlier time wins. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const existing = this.waiting.get(key);
    if (existing && existing.at <= at) return;
    existing?.cancel();
    const cancel = this.clock.setTimer(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, cancel });
  }

  /** Add after the rate limiter's delay for this key (grows with each call until `forget`). */
  addRateLimited(key: K): void {
    if (this.shuttingDown) return;
    this.m.retries.inc();
    this.addAfter(key, this.limiter.when(key));
  }

  /** Reset the key's backoff (call after a successful reconcile). */
  forget(key: K): void {
    this.limiter.forget(key);
  }

  /** How many rate-limited re-adds the key has had since it was last forgotten. */
  numRequeues(key: K): number {
    return this.limiter.retries(key);
  }

  /**
   * Take the next key, waiting until one is ready. Resolves `undefined` once the queue is
   * shut down (after the queued keys when draining). Every key returned must be passed to `done`.
   */
  get(): Promise<K | undefined> {
    const key = this.take();
    if (key !== undefined || this.shuttingDown) return Promise.resolve(key);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  /** Mark a key finished; if it was re-added meanwhile it goes back in the queue now. */
  done(key: K): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.m.work.observe((this.clock.now() - started) / 1000);
    if (this.dirty.has(key) && !this.shuttingDown) this.push(key);
    this.checkIdle();
  }

  /**
   * Stop: new adds are ignored, delayed keys are dropped, waiting `get` calls resolve
   * `undefined`. With `drain`, keys already queued are still handed out first (re-adds of keys
 * in flight are dropped either way). Resolves once no
   * worker holds a key (and, with `drain`, the queue is empty).
   */
  shutdown(opts: ShutdownOptions = {}): Promise<void> {
    this.shuttingDown = true;
    this.draining = opts.drain ?? false;
    for (const w of this.waiting.values()) w.cancel();
    this.waiting.clear();
    if (!this.draining) {
      this.ready = [];
      this.head = 0;
      this.dirty.clear();
      this.m.depth.set(0);
    }
    if (this.length === 0) {
      for (const t of this.takers.splice(0)) t(undefined);
    }
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  /**
   * Run `worker` on keys with at most `concurrency` keys in flight (and never the same key
   * twice at once) until the queue shuts down. `done` is called for you.
   */
  async process(concurrency: number, worker: (key: K) => Promise<void>): Promise<void> {
    const loop = async (): Promise<void> => {
      for (;;) {
        const key = await this.get();
        if (key === undefined) return;
        try {
          await worker(key);
        } finally {
          this.done(key);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, loop));
  }

  private push(key: K): void {
    this.enqueuedAt.set(key, this.clock.now());
    this.ready.push(key);
    const taker = this.takers.shift();
    if (taker) taker(this.take());
    else this.m.depth.set(this.length);
  }

  private take(): K | undefined {
    let key: K | undefined;
    if (this.head < this.ready.length) {
      key = this.ready[this.head]!;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.head);
        this.head = 0;
      }
    } else {
      return undefined;
    }
    this.handOut(key);
    return key;
  }

  private handOut(key: K): void {
    this.dirty.delete(key);
    const now = this.clock.now();
    this.processing.set(key, now);
    const at = this.enqueuedAt.get(key);
    if (at !== undefined) {
      this.m.latency.observe((now - at) / 1000);
      this.enqueuedAt.delete(key);
    }
    this.m.depth.set(this.length);
    if (this.shuttingDown && this.length === 0) {
      for (const t of this.takers.splice(0)) t(undefined);
    }
  }

  private checkIdle(): void {
    if (!this.shuttingDown) return;
    if (this.processing.size > 0) return;
    if (this.draining && this.length > 0) return;
    for (const t of this.takers.splice(0)) t(undefined);
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
