/**
 * The one retry loop for Kubernetes API calls, and the one meaning of "retryable".
 *
 * Retryable (and nothing else):
 * - **409 Conflict** (not AlreadyExists): the object changed since it was read. The next attempt must
 *   read it again, so `fn` re-reads on every call (that is why this helper takes a function).
 * - **429 TooManyRequests**: API priority and fairness turned the request away; the next attempt waits
 *   at least the server's Retry-After (`details.retryAfterSeconds` of its Status).
 * - **5xx**, a request that timed out on the client, a connection reset or refused: the API server is
 *   busy or restarting (`isTransientApiError`).
 *
 * Everything else is an answer (invalid, forbidden, not found, already exists) and is thrown at once.
 * A loop that knows one more passing case of its own names it with `also` (e.g. an import that may
 * see a NotFound namespace for a moment after creating it); the meaning above stays the same.
 */
import { isConflict, isKubeApiError, isTransientApiError } from './api-error.js';
import { exponentialDelay } from './backoff.js';
import { realClock, sleep, type Clock } from './clock.js';

/** Whether the error is worth another attempt (see the module comment). */
export function isRetryable(err: unknown): boolean {
  return isConflict(err) || isTransientApiError(err);
}

/** The server's Retry-After of a 429 in ms, when it gave one. */
export function retryAfterMs(err: unknown): number | undefined {
  if (!isKubeApiError(err) || err.status !== 429) return undefined;
  const s = err.statusObject?.details?.retryAfterSeconds;
  return typeof s === 'number' && s > 0 ? s * 1000 : undefined;
}

export interface RetryOptions {
  /** Attempts in all, the first included (default 5). */
  attempts?: number;
  /** First pause in ms (default 100); it doubles up to `maxMs` (default 5 000), with jitter. */
  initialMs?: number;
  maxMs?: number;
  /** One more passing case this loop knows (added to `isRetryable`, never replacing it). */
  also?: (err: unknown, attempt: number) => boolean;
  /** Called before each pause (for logs or progress). */
  onRetry?: (err: unknown, attempt: number, pauseMs: number) => void;
  signal?: AbortSignal;
  clock?: Clock;
  /** Random source in [0,1) for the jitter (tests). */
  random?: () => number;
}

/**
 * Call `fn(attempt)` (attempt counts from 1) until it resolves, throws an error that is not retryable,
 * or `attempts` run out (then the last error is thrown). Pauses between attempts back off
 * exponentially with jitter; a 429 waits at least its Retry-After. An aborted signal ends the wait.
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 5);
  const initialMs = opts.initialMs ?? 100;
  const maxMs = opts.maxMs ?? 5_000;
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const passing = isRetryable(err) || (opts.also?.(err, attempt) ?? false);
      if (!passing || attempt >= attempts || opts.signal?.aborted) throw err;
      const backoff = exponentialDelay(initialMs, maxMs, 2, attempt - 1) * (0.5 + random());
      const pause = Math.round(Math.max(backoff, retryAfterMs(err) ?? 0));
      opts.onRetry?.(err, attempt, pause);
      await sleep(pause, opts.signal, opts.clock ?? realClock);
    }
  }
}
