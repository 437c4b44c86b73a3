import { exponentialDelay } from './backoff.js';
import { realClock, type Clock } from './clock.js';

/** Decides how long a key waits before it is retried (`when`), and forgets keys on success. */
export interface RateLimiter<K = string> {
  when(key: K): number;
  forget(key: K): void;
  retries(key: K): number;
}

/** Per-key exponential backoff: base·2^failures, capped (client-go default 5 ms … 1000 s). */
export class ItemExponentialRateLimiter<K = string> implements RateLimiter<K> {
  private readonly failures = new Map<K, number>();
  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1_000_000,
  ) {}

  when(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return exponentialDelay(this.baseMs, this.maxMs, 2, n);
  }

  forget(key: K): void {
    this.failures.delete(key);
  }

  retries(key: K): number {
    return this.failures.get(key) ?? 0;
  }
}

/**
 * A token bucket shared by all keys: `burst` tokens, refilled at `qps` per second. Each
 * `reserve()` takes a token now or reserves a future one, returning how long to wait (ms).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  reserve(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.qps) * 1000);
  }
}

/** client-go's default controller rate limiter: the slower of per-key backoff and the bucket. */
export class DefaultRateLimiter<K = string> implements RateLimiter<K> {
  readonly perKey: ItemExponentialRateLimiter<K>;
  readonly bucket: TokenBucket;
  constructor(opts: { baseMs?: number; maxMs?: number; qps?: number; burst?: number; clock?: Clock } = {}) {
    this.perKey = new ItemExponentialRateLimiter<K>(opts.baseMs ?? 5, opts.maxMs ?? 1_000_000);
    this.bucket = new TokenBucket(opts.qps ?? 10, opts.burst ?? 100, opts.clock ?? realClock);
  }

  when(key: K): number {
    return Math.max(this.perKey.when(key), this.bucket.reserve());
  }

  forget(key: K): void {
    this.perKey.forget(key);
  }

  retries(key: K): number {
    return this.perKey.retries(key);
  }
}
