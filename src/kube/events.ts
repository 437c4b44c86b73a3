import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { isNotFound } from './api-error.js';
import { realClock, rfc3339, rfc3339Micro, type Clock } from './clock.js';
import { Discovery } from './discovery.js';
import type { KubeClient } from './http.js';
import { logger } from './log.js';
import { CORE, inNamespace, type KubeObject } from './resource.js';
import { errorMessage } from '../errors/index.js';

export type EventType = 'Normal' | 'Warning';

/** Enough of an object to point an Event at it. */
export interface InvolvedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export interface EventRecorderOptions {
  client: KubeClient;
  /** The controller, e.g. `plinth.dev/release-controller` (reportingController / source.component). */
  component: string;
  /** This process (reportingInstance / source.host); default `<component>-<hostname>`. */
  instance?: string;
  /** 'auto' (default) uses events.k8s.io/v1 when the server serves it, else core/v1. */
  api?: 'auto' | 'core' | 'events.k8s.io';
  /** Used by 'auto' (default: a new Discovery on the client). */
  discovery?: Discovery;
  /** Repeats within this window update the existing Event (count) instead of creating one (default 10 min). */
  aggregateWindowMs?: number;
  /** Max remembered (object, reason, message) series (default 4096). */
  cacheSize?: number;
  clock?: Clock;
}

interface Series {
  api: 'core' | 'events.k8s.io';
  name: string;
  namespace: string;
  count: number;
  firstAt: number;
  lastAt: number;
}

/**
 * Records Events about objects, aggregating repeats: the same (object, type, reason, message)
 * within the window bumps `count`/`lastTimestamp` (core/v1) or `series` (events.k8s.io/v1) on
 * the existing Event. Recording never throws into the caller: failures are logged.
 */
export class EventRecorder {
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly instance: string;
  private readonly window: number;
  private readonly cacheSize: number;
  private readonly series = new Map<string, Series>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inflight = new Set<Promise<void>>();
  private api: Promise<'core' | 'events.k8s.io'> | undefined;
  private seq = 0;

  constructor(private readonly opts: EventRecorderOptions) {
    this.log = logger('events', { component: opts.component });
    this.clock = opts.clock ?? realClock;
    this.instance = opts.instance ?? `${opts.component.split('/').pop() ?? opts.component}-${hostname()}`;
    this.window = opts.aggregateWindowMs ?? 10 * 60_000;
    this.cacheSize = opts.cacheSize ?? 4096;
  }

  /** Record an event (asynchronously; use `flush()` to wait for writes). */
  event(involved: InvolvedObject, type: EventType, reason: string, message: string, action = reason): void {
    const key = `${involved.metadata?.uid ?? `${involved.metadata?.namespace}/${involved.kind}/${involved.metadata?.name}`}|${type}|${reason}|${message}`;
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev.then(() => this.write(key, involved, type, reason, message, action)).catch((err: unknown) => {
      this.log.warn({ err: errorMessage(err), reason, object: involved.metadata?.name }, 'could not record event');
    });
    this.chains.set(key, next);
    this.inflight.add(next);
    void next.finally(() => {
      this.inflight.delete(next);
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  normal(involved: InvolvedObject, reason: string, message: string): void {
    this.event(involved, 'Normal', reason, message);
  }

  warning(involved: InvolvedObject, reason: string, message: string): void {
    this.event(involved, 'Warning', reason, message);
  }

  /** Wait until every recorded event has been written (or failed). */
  async flush(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  private which(): Promise<'core' | 'events.k8s.io'> {
    const mode = this.opts.api ?? 'auto';
    if (mode !== 'auto') return Promise.resolve(mode);
    const discovery = this.opts.discovery ?? new Discovery(this.opts.client);
    this.api ??= discovery.serves('events.k8s.io/v1').then(
      (yes) => (yes ? 'events.k8s.io' : 'core'),
      () => 'core' as const,
    );
    return this.api;
  }

  private async write(key: string, involved: InvolvedObject, type: EventType, reason: string, message: string, action: string): Promise<void> {
    const now = this.clock.now();
    const s = this.series.get(key);
    if (s && now - s.lastAt < this.window) {
      s.count++;
      s.lastAt = now;
      try {
        await this.patchSeries(s);
        return;
      } catch (err) {
        if (!isNotFound(err)) throw err;
        this.series.delete(key); // the Event expired (TTL); start a new one
      }
    }
    const api = await this.which();
    const namespace = involved.metadata?.namespace || 'default';
    const name = `${involved.metadata?.name ?? 'unknown'}.${(BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000)).toString(16)}`;
    const regarding = {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      name: involved.metadata?.name,
      namespace: involved.metadata?.namespace,
      uid: involved.metadata?.uid,
      resourceVersion: involved.metadata?.resourceVersion,
    };
    const note = message.length > 1024 ? `${message.slice(0, 1021)}...` : message;
    if (api === 'events.k8s.io') {
      await this.opts.client.create(inNamespace(CORE.eventsV1, namespace), {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name, namespace },
        eventTime: rfc3339Micro(now),
        reportingController: this.opts.component,
        reportingInstance: this.instance,
        action,
        reason,
        note,
        type,
        regarding,
      });
    } else {
      const ts = rfc3339(now);
      await this.opts.client.create(inNamespace(CORE.events, namespace), {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: regarding,
        reason,
        message: note,
        type,
        count: 1,
        firstTimestamp: ts,
        lastTimestamp: ts,
        source: { component: this.opts.component, host: hostname() },
        reportingComponent: this.opts.component,
        reportingInstance: this.instance,
        action,
      });
    }
    this.remember(key, { api, name, namespace, count: 1, firstAt: now, lastAt: now });
  }

  private async patchSeries(s: Series): Promise<void> {
    if (s.api === 'events.k8s.io') {
      await this.opts.client.patch(inNamespace(CORE.eventsV1, s.namespace), s.name, { series: { count: s.count, lastObservedTime: rfc3339Micro(s.lastAt) } }, 'merge');
    } else {
      await this.opts.client.patch(inNamespace(CORE.events, s.namespace), s.name, { count: s.count, lastTimestamp: rfc3339(s.lastAt) }, 'merge');
    }
  }

  private remember(key: string, s: Series): void {
    this.series.delete(key);
    this.series.set(key, s);
    while (this.series.size > this.cacheSize) {
      const oldest = this.series.keys().next().value;
      if (oldest === undefined) break;
      this.series.delete(oldest);
    }
  }
}


/** Used by tests and callers that build involved objects from cache entries. */
export function involvedFrom(obj: KubeObject): InvolvedObject {
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata };
}
