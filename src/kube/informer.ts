import type { Logger } from 'pino';
import { isGone, KubeApiError } from './api-error.js';
import { errorMessage } from '../errors/index.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { pause } from './clock.js';
import { relistDiff } from './diff.js';
import type { KubeClient, KubeList, WatchEvent, WatchEventType } from './http.js';
import type { IndexFunc } from './indexer.js';
import { logger } from './log.js';
import { listPages } from './pager.js';
import { informerEvents, informerObjects, informerRelists, informerWatchRestarts } from './metrics.js';
import { describeTarget, objectKey, type KubeObject, type ResourceRef } from './resource.js';
import { Store } from './store.js';

export interface EventHandlers<T> {
  onAdd?(obj: T): void;
  onUpdate?(old: T, obj: T): void;
  /** Receives the last known state of the object. */
  onDelete?(obj: T): void;
}

/**
 * The calls an informer needs: a KubeClient, or a fake in unit tests. With `requestRaw` the
 * initial list prefetches pages (see pager.ts); without it pages are fetched one by one.
 */
export type ListWatchClient = Pick<KubeClient, 'list' | 'watch'> & Partial<Pick<KubeClient, 'requestRaw'>>;

export interface InformerOptions<T extends KubeObject> {
  client: ListWatchClient;
  /** What to list and watch; with `namespace` set the informer is namespace-scoped. */
  resource: ResourceRef;
  /** For logs and metrics (default: the resource, e.g. `configmaps in default`). */
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Items per list page (default 500). */
  pageSize?: number;
  /** Re-deliver every cached object as an update this often (ms); 0 = off (default). */
  resyncMs?: number;
  /** Restart a watch that delivers no event or bookmark for this long (ms; default 120 000; 0 = off). */
  stallTimeoutMs?: number;
  /** Server-side watch timeout is random in [min, 2·min] seconds (default min 300). */
  minWatchTimeoutSeconds?: number;
  /** Backoff between watch restarts after errors (default 200 ms doubling to 30 s, 20 % jitter). */
  backoff?: BackoffOptions;
  /** Deadline for one list page request (ms; default 60 000). */
  listTimeoutMs?: number;
  /**
   * Applied to every object before it is cached and delivered. The default drops
   * `metadata.managedFields`. It may mutate and return its argument (objects are fresh from JSON).
   */
  transform?: (obj: KubeObject) => T;
  indexers?: Readonly<Record<string, IndexFunc<T>>>;
}

export interface InformerStats {
  lists: number;
  relists: number;
  watchRestarts: number;
  stalls: number;
  events: Record<WatchEventType, number>;
}

/** Default transform: drop `metadata.managedFields` (often half of an object's size). */
export function dropManagedFields<T extends KubeObject>(obj: KubeObject): T {
  const m = obj.metadata;
  if (m && m.managedFields !== undefined) delete m.managedFields;
  return obj as T;
}

class StallError extends Error {
  constructor(ms: number) {
    super(`no watch event or bookmark for ${ms} ms`);
    this.name = 'StallError';
  }
}

class StopError extends Error {
  constructor() {
    super('informer stopped');
    this.name = 'StopError';
  }
}

/**
 * Plinth's informer: a paginated list, then a watch from the list's resourceVersion with
 * bookmarks; relist with a diff on 410 Gone; restart with capped backoff on any error; a stall
 * watchdog; optional resync; indexed cache; synchronous handlers. See docs/adr/0001.
 */
export class Informer<T extends KubeObject = KubeObject> {
  readonly name: string;
  readonly store: Store<T>;
  /** Resolves once the first full list is cached and its adds were delivered to handlers. */
  readonly synced: Promise<void>;
  readonly stats: InformerStats = {
    lists: 0,
    relists: 0,
    watchRestarts: 0,
    stalls: 0,
    events: { ADDED: 0, MODIFIED: 0, DELETED: 0, BOOKMARK: 0, ERROR: 0 },
  };

  private readonly opts: InformerOptions<T>;
  private readonly log: Logger;
  private readonly transform: (obj: KubeObject) => T;
  private readonly handlers = new Set<EventHandlers<T>>();
  private readonly backoff: Backoff;
  private readonly stopController = new AbortController();
  private readonly eventCounters: Record<WatchEventType, { inc(): void }>;
  private readonly objectsGauge: { set(v: number): void };
  private resolveSynced!: () => void;
  private isSynced = false;
  private rv: string | undefined;
  private loop: Promise<void> | undefined;
  private watchAbort: AbortController | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private lastEventAt = 0;
  private goneStreak = 0;

  constructor(opts: InformerOptions<T>) {
    this.opts = opts;
    this.name = opts.name ?? describeTarget(opts.resource);
    this.log = logger('informer', { informer: this.name });
    this.transform = opts.transform ?? dropManagedFields;
    this.store = new Store<T>(opts.indexers ?? {});
    this.backoff = new Backoff({ initialMs: 200, maxMs: 30_000, ...opts.backoff });
    this.synced = new Promise((resolve) => {
      this.resolveSynced = resolve;
    });
    const types: WatchEventType[] = ['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR'];
    this.eventCounters = Object.fromEntries(types.map((t) => [t, informerEvents.labels(this.name, t)])) as Record<WatchEventType, { inc(): void }>;
    this.objectsGauge = informerObjects.labels(this.name);
  }

  /** Start listing and watching (idempotent). */
  start(): this {
    if (this.loop) return this;
    this.loop = this.run();
    if (this.opts.resyncMs && this.opts.resyncMs > 0) {
      this.resyncTimer = setInterval(() => this.resync(), this.opts.resyncMs);
      this.resyncTimer.unref();
    }
    return this;
  }

  /** Stop watching; the cache keeps its contents. Resolves when the loop has exited. */
  async stop(): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    if (!this.stopController.signal.aborted) this.stopController.abort(new StopError());
    this.watchAbort?.abort(new StopError());
    await this.loop;
  }

  get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  hasSynced(): boolean {
    return this.isSynced;
  }

  /** The last resourceVersion seen (from a list, an event or a bookmark). Opaque. */
  get resourceVersion(): string | undefined {
    return this.rv;
  }

  /**
   * Register handlers. If the informer has already synced, the new handlers first receive
   * `onAdd` for every cached object. Returns a function that unregisters them.
   */
  addHandler(h: EventHandlers<T>): () => void {
    this.handlers.add(h);
    if (this.isSynced && h.onAdd) {
      for (const obj of this.store.list()) safe(this.log, () => h.onAdd!(obj));
    }
    return () => {
      this.handlers.delete(h);
    };
  }

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  list(): T[] {
    return this.store.list();
  }

  byIndex(name: string, value: string): T[] {
    return this.store.byIndex(name, value);
  }

  /** Re-deliver every cached object as `onUpdate(obj, obj)`. */
  resync(): void {
    if (!this.isSynced) return;
    for (const obj of this.store.list()) this.emitUpdate(obj, obj);
  }

  private async run(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) {
          await this.listAndSync();
          needList = false;
        }
        const reason = await this.watchOnce();
        this.restarted(reason);
        if (reason === 'stall') this.stats.stalls++;
        await this.pause();
      } catch (err) {
        if (this.stopped) break;
        if (isGone(err)) {
          this.log.info({ rv: this.rv }, 'resourceVersion expired (410 Gone); relisting');
          this.restarted('gone');
          needList = true;
          // Relist at once, unless the last relist's watch also got 410 before any event.
          if (this.goneStreak++ > 0) await this.pause();
          continue;
        }
        if (isTooLargeResourceVersion(err)) needList = true;
        if (!needList) this.restarted('error');
        // Warn on the first failure and then every 10th; the rest at debug (outages are long and noisy).
        const attempt = this.backoff.attempts + 1;
        const level = attempt === 1 || attempt % 10 === 0 ? 'warn' : 'debug';
        this.log[level]({ err: errorMessage(err), rv: this.rv, attempt }, needList ? 'list failed; retrying' : 'watch failed; restarting');
        await this.pause();
      }
    }
  }

  private restarted(reason: 'error' | 'end' | 'stall' | 'gone'): void {
    this.stats.watchRestarts++;
    informerWatchRestarts.labels(this.name, reason).inc();
  }

  private async pause(): Promise<void> {
    await pause(this.backoff.next(), this.stopController.signal);
  }

  /** Paginated list from scratch; a continue token that expired (410) restarts the list. */
  private async listAll(): Promise<{ items: Map<string, T>; rv: string | undefined }> {
    for (;;) {
      const items = new Map<string, T>();
      let pages = 0;
      let rv: string | undefined;
      try {
        for await (const page of this.pages()) {
          pages++;
          const kind = page.kind?.endsWith('List') ? page.kind.slice(0, -4) : undefined;
          const apiVersion = page.apiVersion;
          for (const raw of page.items) {
            // List items carry no apiVersion/kind; fill them in so cached objects look like watched ones.
            if (raw.kind === undefined && kind !== undefined) {
              raw.apiVersion = apiVersion;
              raw.kind = kind;
            }
            const obj = this.apply(raw);
            items.set(objectKey(obj), obj);
          }
          rv = page.metadata?.resourceVersion;
        }
        return { items, rv };
      } catch (err) {
        if (pages > 0 && isGone(err) && !this.stopped) {
          this.log.info('continue token expired during a paginated list; listing again from the start');
          this.stats.relists++;
          informerRelists.labels(this.name).inc();
          continue;
        }
        throw err;
      }
    }
  }

  /** List pages: prefetching through the pager when the client allows it, else one by one. */
  private async *pages(): AsyncGenerator<KubeList<KubeObject>, void, undefined> {
    const { client, resource } = this.opts;
    const common = {
      limit: this.opts.pageSize ?? 500,
      labelSelector: this.opts.labelSelector,
      fieldSelector: this.opts.fieldSelector,
      signal: this.stopController.signal,
      timeoutMs: this.opts.listTimeoutMs,
    };
    if (client.requestRaw) {
      yield* listPages<KubeObject>(client as KubeClient, resource, common);
      return;
    }
    let cont: string | undefined;
    do {
      const page = await client.list<KubeObject>(resource, { ...common, continue: cont });
      cont = page.metadata?.continue || undefined;
      yield page;
    } while (cont !== undefined);
  }

  private async listAndSync(): Promise<void> {
    const first = this.stats.lists === 0;
    const { items, rv } = await this.listAll();
    this.stats.lists++;
    if (!first) {
      this.stats.relists++;
      informerRelists.labels(this.name).inc();
    }
    this.rv = rv;
    if (this.store.size === 0) {
      for (const [key, obj] of items) {
        this.store.set(key, obj);
        this.emitAdd(obj);
      }
    } else {
      const diff = relistDiff(this.store, items);
      for (const old of diff.deleted) {
        this.store.delete(objectKey(old));
        this.emitDelete(old);
      }
      for (const obj of diff.added) {
        this.store.set(objectKey(obj), obj);
        this.emitAdd(obj);
      }
      for (const { old, obj } of diff.updated) {
        this.store.set(objectKey(obj), obj);
        this.emitUpdate(old, obj);
      }
      this.log.info({ added: diff.added.length, updated: diff.updated.length, deleted: diff.deleted.length, rv }, 'relisted');
    }
    this.objectsGauge.set(this.store.size);
    if (!this.isSynced) {
      this.isSynced = true;
      this.resolveSynced();
    }
  }

  /** One watch from the current resourceVersion. Resolves with why it ended; throws on errors. */
  private async watchOnce(): Promise<'end' | 'stall'> {
    const ac = new AbortController();
    this.watchAbort = ac;
    const stallMs = this.opts.stallTimeoutMs ?? 120_000;
    let watchdog: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (stallMs <= 0) return;
      if (watchdog) clearTimeout(watchdog);
      watchdog = setTimeout(() => ac.abort(new StallError(stallMs)), stallMs);
    };
    const onStop = (): void => ac.abort(new StopError());
    this.stopController.signal.addEventListener('abort', onStop, { once: true });
    if (this.stopped) onStop();
    const min = this.opts.minWatchTimeoutSeconds ?? 300;
    const started = Date.now();
    arm();
    try {
      const stream = this.opts.client.watch<KubeObject>(this.opts.resource, {
        resourceVersion: this.rv,
        allowWatchBookmarks: true,
        timeoutSeconds: Math.floor(min + Math.random() * min),
        labelSelector: this.opts.labelSelector,
        fieldSelector: this.opts.fieldSelector,
        signal: ac.signal,
      });
      for await (const ev of stream) {
        arm();
        this.lastEventAt = Date.now();
        if (ev.type !== 'ERROR') this.goneStreak = 0;
        this.handleEvent(ev);
        if (this.backoff.attempts > 0) this.backoff.reset();
      }
      if (Date.now() - started > 10_000) this.backoff.reset();
      return 'end';
    } catch (err) {
      if (ac.signal.reason instanceof StallError) {
        this.log.warn({ rv: this.rv, stallMs }, 'watch stalled; restarting');
        return 'stall';
      }
      if (Date.now() - started > 10_000) this.backoff.reset();
      throw err;
    } finally {
      if (watchdog) clearTimeout(watchdog);
      this.stopController.signal.removeEventListener('abort', onStop);
      this.watchAbort = undefined;
    }
  }

  /** Milliseconds since the last watch event (for liveness checks); 0 before the first. */
  get msSinceLastEvent(): number {
    return this.lastEventAt === 0 ? 0 : Date.now() - this.lastEventAt;
  }

  private handleEvent(ev: WatchEvent<KubeObject>): void {
    this.stats.events[ev.type] = (this.stats.events[ev.type] ?? 0) + 1;
    this.eventCounters[ev.type]?.inc();
    switch (ev.type) {
      case 'ADDED':
      case 'MODIFIED': {
        const obj = this.apply(ev.object);
        const key = objectKey(obj);
        const old = this.store.set(key, obj);
        this.rv = obj.metadata?.resourceVersion ?? this.rv;
        if (old === undefined) this.emitAdd(obj);
        else this.emitUpdate(old, obj);
        this.objectsGauge.set(this.store.size);
        return;
      }
      case 'DELETED': {
        const obj = this.apply(ev.object);
        const old = this.store.delete(objectKey(obj));
        this.rv = obj.metadata?.resourceVersion ?? this.rv;
        // The event carries the final state; fall back to the cached one if it is a bare stub.
        this.emitDelete(obj.metadata?.uid === undefined && old !== undefined ? old : obj);
        this.objectsGauge.set(this.store.size);
        return;
      }
      case 'BOOKMARK':
        this.rv = ev.object.metadata?.resourceVersion ?? this.rv;
        return;
      case 'ERROR':
        throw KubeApiError.fromStatus(ev.object, 'watch', describeTarget(this.opts.resource));
      default:
        this.log.warn({ type: String(ev.type) }, 'unknown watch event type ignored');
    }
  }

  private apply(raw: KubeObject): T {
    try {
      return this.transform(raw);
    } catch (err) {
      this.log.error({ err: errorMessage(err), key: objectKey(raw) }, 'transform failed; caching the object as received');
      return raw as T;
    }
  }

  private emitAdd(obj: T): void {
    for (const h of this.handlers) if (h.onAdd) safe(this.log, () => h.onAdd!(obj));
  }

  private emitUpdate(old: T, obj: T): void {
    for (const h of this.handlers) if (h.onUpdate) safe(this.log, () => h.onUpdate!(old, obj));
  }

  private emitDelete(obj: T): void {
    for (const h of this.handlers) if (h.onDelete) safe(this.log, () => h.onDelete!(obj));
  }
}

function safe(log: Logger, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    log.error({ err: errorMessage(err) }, 'event handler threw; continuing');
  }
}

/** The watch cache answers 504 "Too large resource version" when asked for a future RV. */
function isTooLargeResourceVersion(err: unknown): boolean {
  if (!(err instanceof KubeApiError)) return false;
  return Boolean(err.statusObject?.details?.causes?.some((c) => c.reason === 'ResourceVersionTooLarge')) || /too large resource version/i.test(err.apiMessage);
}
