/**
 * One 'abort' listener per AbortSignal, shared by everything waiting on it. A controller hands one long-lived
 * signal to every request of every reconcile; with a listener per in-flight request, a batch of parallel pod
 * writes put more than ten on it at once and Node warned (MaxListenersExceededWarning), although none leaked.
 * Here the callbacks live in a set: the signal carries one listener while any callback is registered, none after.
 */
const waiting = new WeakMap<AbortSignal, { callbacks: Set<() => void>; listener: () => void }>();

/** Calls `fn` once when `signal` aborts; the returned function unregisters it (call it when done waiting). */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return () => undefined;
  let entry = waiting.get(signal);
  if (!entry) {
    const callbacks = new Set<() => void>();
    const listener = (): void => {
      waiting.delete(signal);
      for (const cb of [...callbacks]) cb();
      callbacks.clear();
    };
    entry = { callbacks, listener };
    waiting.set(signal, entry);
    signal.addEventListener('abort', listener, { once: true });
  }
  const e = entry;
  // A distinct wrapper, so the same function can be registered twice and removed once.
  const cb = (): void => fn();
  e.callbacks.add(cb);
  return () => {
    if (!e.callbacks.delete(cb) || e.callbacks.size > 0 || waiting.get(signal) !== e) return;
    waiting.delete(signal);
    signal.removeEventListener('abort', e.listener);
  };
}
