/**
 * Capped exponential backoff with jitter, used for watch restarts and per-key queue retries.
 * `next()` returns the delay to wait before the next attempt and advances; `reset()` goes back
 * to the initial delay after a success.
 */
export interface BackoffOptions {
  /** First delay in ms (default 200). */
  initialMs?: number;
  /** Upper bound of the un-jittered delay in ms (default 30 000). */
  maxMs?: number;
  /** Growth factor per failure (default 2). */
  factor?: number;
  /** Fraction of random jitter added on top, 0..1 (default 0.2: delay × [1, 1.2)). */
  jitter?: number;
  /** Random source in [0,1), for tests. */
  random?: () => number;
}

export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;
  private attempt = 0;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 200;
    this.maxMs = opts.maxMs ?? 30_000;
    this.factor = opts.factor ?? 2;
    this.jitter = opts.jitter ?? 0.2;
    this.random = opts.random ?? Math.random;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const base = exponentialDelay(this.initialMs, this.maxMs, this.factor, this.attempt);
    this.attempt++;
    return Math.round(base * (1 + this.jitter * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** initial × factor^attempt, capped at max, without overflow for large attempts. */
export function exponentialDelay(initialMs: number, maxMs: number, factor: number, attempt: number): number {
  if (attempt <= 0) return Math.min(initialMs, maxMs);
  const exp = Math.log(maxMs / Math.max(initialMs, 1e-9)) / Math.log(Math.max(factor, 1.000001));
  if (attempt >= exp) return maxMs;
  return Math.min(maxMs, initialMs * Math.pow(factor, attempt));
}
