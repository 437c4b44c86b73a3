import type { Logger } from 'pino';
import type { EventHandlers, Informer } from './informer.js';
import { logger } from './log.js';
import { addHealthCheck, reconcileTotal } from './metrics.js';
import { WorkQueue } from './queue.js';
import type { RateLimiter } from './rate-limit.js';
import { objectKey, type KubeObject } from './resource.js';
import { errorMessage } from '../errors/index.js';

/** What a reconcile asks for next. */
export type Result = { done: true } | { requeue: true } | { requeueAfter: number };

export const DONE: Result = { done: true };
export const REQUEUE: Result = { requeue: true };
export function requeueAfter(ms: number): Result {
  return { requeueAfter: ms };
}

export interface ReconcileContext {
  /** Aborts when the controller stops (e.g. leadership lost): stop writing and return. */
  signal: AbortSignal;
  log: Logger;
  /** Rate-limited retries of this key so far (0 on a fresh key). */
  retries: number;
}

/** Maps an object to the keys it should enqueue (none, one or several). */
export type KeyFunc<T = KubeObject> = (obj: T) => Iterable<string> | string | undefined;

/** An informer plus how its objects map to this controller's keys (default: `namespace/name`). */
export interface InformerSource<T extends KubeObject = KubeObject> {
  informer: Informer<T>;
  keys?: KeyFunc<T>;
  /** Updates for which this returns false enqueue nothing (the controller reads nothing that changed). */
  changed?: (old: T, obj: T) => boolean;
  /**
   * Enqueue this source's keys after this many ms instead of at once: a burst of events within the delay
   * becomes one reconcile (a key already waiting keeps its earlier time). For controllers whose reconcile
   * reads many objects of this kind and need not react within milliseconds.
   */
  coalesceMs?: number;
}

export interface ControllerOptions {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  informers: ReadonlyArray<Informer<any> | InformerSource<any>>;
  reconcile(key: string, ctx: ReconcileContext): Promise<Result>;
  /** Parallel reconciles (different keys only; default 2). */
  workers?: number;
  rateLimiter?: RateLimiter<string>;
  /** Stops the controller when aborted. */
  signal?: AbortSignal;
  /** Start informers that are not started yet (default true). */
  startInformers?: boolean;
}

export interface Controller {
  readonly name: string;
  readonly queue: WorkQueue<string>;
  /** Resolves once every informer has synced and the workers run. */
  readonly ready: Promise<void>;
  /** Resolves when the workers have exited after `stop`. */
  readonly done: Promise<void>;
  /** Stop taking keys (drain: finish the queued ones first) and wait for in-flight reconciles. */
  stop(opts?: { drain?: boolean }): Promise<void>;
}

/** The default key of an object: `namespace/name` (or `name`). */
export function keyOf(obj: KubeObject): string {
  return objectKey(obj);
}

/** Keys of an object's owners of one kind, e.g. `ownerKeys('CellDeployment')` maps pods to their owner. */
export function ownerKeys(kind: string, opts: { controllerOnly?: boolean } = {}): (obj: KubeObject) => string[] {
  return (obj) => {
    const ns = obj.metadata?.namespace;
    const out: string[] = [];
    for (const o of obj.metadata?.ownerReferences ?? []) {
      if (o.kind !== kind) continue;
      if (opts.controllerOnly && !o.controller) continue;
      out.push(ns ? `${ns}/${o.name}` : o.name);
    }
    return out;
  };
}

/**
 * Run a level-triggered controller: informer events become keys in a work queue; `workers`
 * reconcile distinct keys in parallel; `{requeue}` and thrown errors retry the key with per-key
 * exponential backoff, `{requeueAfter}` schedules it, `{done}` resets its backoff.
 */
export function runController(opts: ControllerOptions): Controller {
  const log = logger('controller', { controller: opts.name });
  const queue = new WorkQueue<string>({ name: opts.name, rateLimiter: opts.rateLimiter });
  const stopController = new AbortController();
  const sources: InformerSource[] = opts.informers.map((s: Informer | InformerSource) => ('informer' in s ? s : { informer: s }));
  const unsubscribe: Array<() => void> = [];
  const counters = {
    done: reconcileTotal.labels(opts.name, 'done'),
    requeue: reconcileTotal.labels(opts.name, 'requeue'),
    requeueAfter: reconcileTotal.labels(opts.name, 'requeue_after'),
    error: reconcileTotal.labels(opts.name, 'error'),
  };

  for (const { informer, keys, changed, coalesceMs } of sources) {
    const keyFn: KeyFunc = keys ?? keyOf;
    const add = coalesceMs !== undefined && coalesceMs > 0 ? (key: string): void => queue.addAfter(key, coalesceMs) : (key: string): void => queue.add(key);
    const enqueue = (obj: KubeObject): void => {
      const k = keyFn(obj);
      if (k === undefined) return;
      if (typeof k === 'string') {
        if (k !== '') add(k);
        return;
      }
      for (const key of k) if (key !== '') add(key);
    };
    const handlers: EventHandlers<KubeObject> = {
      onAdd: enqueue,
      onUpdate: (old, obj) => {
        if (changed && !changed(old, obj)) return;
        enqueue(obj);
        if (old !== obj) enqueue(old);
      },
      onDelete: enqueue,
    };
    unsubscribe.push(informer.addHandler(handlers));
    if (opts.startInformers ?? true) informer.start();
  }

  let synced = false;
  unsubscribe.push(addHealthCheck(`controller-${opts.name}`, () => synced));

  const worker = async (key: string): Promise<void> => {
    const retries = queue.numRequeues(key);
    const klog = log.child({ key });
    let result: Result;
    try {
      result = await opts.reconcile(key, { signal: stopController.signal, log: klog, retries });
    } catch (err) {
      counters.error.inc();
      klog.warn({ err: errorMessage(err), retries }, 'reconcile failed; retrying with backoff');
      queue.addRateLimited(key);
      return;
    }
    if ('requeueAfter' in result) {
      counters.requeueAfter.inc();
      queue.forget(key);
      queue.addAfter(key, result.requeueAfter);
    } else if ('requeue' in result) {
      counters.requeue.inc();
      queue.addRateLimited(key);
    } else {
      counters.done.inc();
      queue.forget(key);
    }
  };

  let resolveDone!: () => void;
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });

  const ready = (async (): Promise<void> => {
    await Promise.race([
      Promise.all(sources.map((s) => s.informer.synced)),
      new Promise<void>((resolve) => stopController.signal.addEventListener('abort', () => resolve(), { once: true })),
    ]);
    if (stopController.signal.aborted) {
      resolveDone();
      return;
    }
    synced = true;
    log.info({ workers: opts.workers ?? 2 }, 'caches synced; starting workers');
    void queue.process(opts.workers ?? 2, worker).then(resolveDone);
  })();

  let stopping: Promise<void> | undefined;
  const stop = (stopOpts: { drain?: boolean } = {}): Promise<void> => {
    stopping ??= (async () => {
      for (const u of unsubscribe) u();
      if (!stopOpts.drain) stopController.abort(new Error(`controller ${opts.name} stopping`));
      await queue.shutdown({ drain: stopOpts.drain ?? false });
      stopController.abort(new Error(`controller ${opts.name} stopping`));
      if (!synced) resolveDone();
      await done;
    })();
    return stopping;
  };
  opts.signal?.addEventListener('abort', () => void stop(), { once: true });
  if (opts.signal?.aborted) void stop();

  return { name: opts.name, queue, ready, done, stop };
}
