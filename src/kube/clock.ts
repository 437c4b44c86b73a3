import { onAbort } from './abort-fanout.js';

/**
 * Time source for the runtime. Production code uses `realClock`; unit tests use `FakeClock`
 * so that backoff, leader election and expectations can be tested without sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch (wall clock; only differences are used). */
  now(): number;
  /** Run `fn` after `ms`; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** RFC 3339 at whole seconds (`2026-01-02T03:04:05Z`), as Kubernetes writes metav1.Time. */
export function rfc3339(at: Date | number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 with microseconds (`…05.123000Z`), as metav1.MicroTime expects (Lease and Event times). */
export function rfc3339Micro(at: Date | number): string {
  return new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};

/** Resolve after `ms` on `clock`, or reject with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = realClock): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    // One listener per signal however many wait on it (abort-fanout.ts); none is left once the wait is over.
    const off = onAbort(signal, () => {
      cancel();
      reject(abortReason(signal!));
    });
    const cancel = clock.setTimer(() => {
      off();
      resolve();
    }, ms);
  });
}

/** Like `sleep`, but an abort ends the wait quietly: resolves after `ms` or as soon as `signal` aborts. */
export async function pause(ms: number, signal?: AbortSignal, clock: Clock = realClock): Promise<void> {
  try {
    await sleep(ms, signal, clock);
  } catch {
    // aborted: the caller checks its signal
  }
}

function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new Error(typeof r === 'string' ? r : 'aborted');
}

/** A manually advanced clock for tests. Timers fire in time order during `advance`. */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();

  constructor(start = 1_700_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): () => void {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return () => {
      this.timers.delete(id);
    };
  }

  /** Number of pending timers (useful to assert nothing leaks). */
  pending(): number {
    return this.timers.size;
  }

  /**
   * Move time forward by `ms`, firing due timers in order and letting promise callbacks run
   * between them (so async loops driven by `sleep` make progress as they would in real time).
   */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await flush();
    for (;;) {
      let nextId = -1;
      let next: { at: number; fn: () => void } | undefined;
      for (const [id, timer] of this.timers) {
        if (timer.at <= end && (next === undefined || timer.at < next.at)) {
          next = timer;
          nextId = id;
        }
      }
      if (!next) break;
      this.timers.delete(nextId);
      this.t = Math.max(this.t, next.at);
      next.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

/** Let pending promise callbacks and I/O callbacks run. */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
