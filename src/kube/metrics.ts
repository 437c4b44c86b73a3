import { createRequire } from 'node:module';
import type { Registry } from 'prom-client';
import { errorMessage } from '../errors/index.js';

/**
 * Plinth's Prometheus registry and the runtime's metrics. Everything in src/kube registers here; controllers may
 * add their own with `plinthRegistry()` as the register.
 *
 * prom-client is loaded on the first use of a metric, not when this module loads, and not at all in a process that
 * called `disableMetrics()` first: the fleet agent serves no /metrics and keeps its memory small (prom-client and its
 * registry cost ~11 MB of the agent's ~60 MB). A disabled process's instruments do nothing.
 */
const requireCjs = createRequire(import.meta.url);
type PromClient = typeof import('prom-client');
let prom: PromClient | undefined;
let registry: Registry | undefined;
let disabled = false;

function promClient(): PromClient {
  prom ??= requireCjs('prom-client') as PromClient;
  return prom;
}

/** Turns every instrument of this process into a no-op (call before the first one is used); nothing is loaded. */
export function disableMetrics(): void {
  disabled = true;
}

/** Whether prom-client has been loaded in this process (for tests of `disableMetrics`). */
export function metricsLoaded(): boolean {
  return prom !== undefined;
}

/** The registry /metrics serves (created, with prom-client, on first use). */
export function plinthRegistry(): Registry {
  registry ??= new (promClient().Registry)();
  return registry;
}

let defaultsCollected = false;
/** Add Node.js process metrics (heap, event loop lag, ...) to the registry, once. */
export function collectProcessMetrics(): void {
  if (defaultsCollected || disabled) return;
  defaultsCollected = true;
  promClient().collectDefaultMetrics({ register: plinthRegistry(), prefix: 'plinth_' });
}

/** The current values of a metric of this process, by name (empty before it was first used). */
export async function metricValues(name: string): Promise<{ labels: Record<string, string | number>; value: number }[]> {
  if (!prom) return [];
  const m = plinthRegistry().getSingleMetric(name);
  return m ? (await m.get()).values.map((v) => ({ labels: v.labels as Record<string, string | number>, value: v.value })) : [];
}

interface Spec {
  name: string;
  help: string;
  labelNames: readonly string[];
  buckets?: number[];
}
export interface CounterChild {
  inc(value?: number): void;
}
export interface GaugeChild {
  set(value: number): void;
  inc(value?: number): void;
  dec(value?: number): void;
}
export interface HistogramChild {
  observe(value: number): void;
}
const NOOP: CounterChild & GaugeChild & HistogramChild = { inc: () => undefined, set: () => undefined, dec: () => undefined, observe: () => undefined };

/** A metric whose prom-client object is made on the first `labels()` call (never, when metrics are disabled). */
function lazy<C>(make: (spec: Spec & { registers: Registry[] }) => { labels(...values: string[]): C }, spec: Spec): { labels(...values: string[]): C } {
  let real: { labels(...values: string[]): C } | undefined;
  return {
    labels: (...values: string[]): C => {
      if (disabled) return NOOP as C;
      real ??= make({ ...spec, registers: [plinthRegistry()] });
      return real.labels(...values);
    },
  };
}
const counter = (spec: Spec): { labels(...values: string[]): CounterChild } =>
  lazy<CounterChild>((o) => new (promClient().Counter)(o), spec);
const gauge = (spec: Spec): { labels(...values: string[]): GaugeChild } => lazy<GaugeChild>((o) => new (promClient().Gauge)(o), spec);
const histogram = (spec: Spec): { labels(...values: string[]): HistogramChild } =>
  lazy<HistogramChild>((o) => new (promClient().Histogram)(o), spec);

export const kubeRequestDuration = histogram({
  name: 'plinth_kube_request_duration_seconds',
  help: 'Kubernetes API request latency by verb and HTTP status code',
  labelNames: ['verb', 'code'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

export const informerWatchRestarts = counter({
  name: 'plinth_informer_watch_restarts_total',
  help: 'Watches restarted by an informer, by reason (error, end, stall, gone)',
  labelNames: ['informer', 'reason'],
});

export const informerRelists = counter({
  name: 'plinth_informer_relists_total',
  help: 'Full lists after the initial one (410 Gone or expired continue token)',
  labelNames: ['informer'],
});

export const informerEvents = counter({
  name: 'plinth_informer_events_total',
  help: 'Events received from watches, by watch event type (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR)',
  labelNames: ['informer', 'type'],
});

export const informerObjects = gauge({
  name: 'plinth_informer_objects',
  help: 'Objects in an informer cache',
  labelNames: ['informer'],
});

export const queueDepth = gauge({
  name: 'plinth_workqueue_depth',
  help: 'Keys waiting in a work queue (ready, not counting delayed ones)',
  labelNames: ['queue'],
});

export const queueAdds = counter({
  name: 'plinth_workqueue_adds_total',
  help: 'Keys added to a work queue (including duplicates that were folded)',
  labelNames: ['queue'],
});

export const queueRetries = counter({
  name: 'plinth_workqueue_retries_total',
  help: 'Rate-limited re-adds (retries with backoff)',
  labelNames: ['queue'],
});

export const queueWorkDuration = histogram({
  name: 'plinth_workqueue_work_duration_seconds',
  help: 'Time a worker spent on one key',
  labelNames: ['queue'],
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
});

export const queueLatency = histogram({
  name: 'plinth_workqueue_queue_duration_seconds',
  help: 'Time a key waited in the queue before a worker took it',
  labelNames: ['queue'],
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
});

export const reconcileTotal = counter({
  name: 'plinth_controller_reconcile_total',
  help: 'Reconciles by controller and result (done, requeue, requeue_after, error)',
  labelNames: ['controller', 'result'],
});

export const leaderStatus = gauge({
  name: 'plinth_leader_is_leader',
  help: '1 while this process holds the lease',
  labelNames: ['lease'],
});

export const leaderTransitions = counter({
  name: 'plinth_leader_transitions_total',
  help: 'Times this process started or stopped leading',
  labelNames: ['lease', 'to'],
});

export type HealthCheck = () => boolean | Promise<boolean>;

const liveChecks = new Map<string, HealthCheck>();
const readyChecks = new Map<string, HealthCheck>();

/**
 * Register a check for /readyz (kind 'ready', e.g. "informers synced") or /healthz (kind
 * 'live', e.g. "watch loop not wedged"). Returns a function that removes it.
 */
export function addHealthCheck(name: string, check: HealthCheck, kind: 'live' | 'ready' = 'ready'): () => void {
  const m = kind === 'live' ? liveChecks : readyChecks;
  m.set(name, check);
  return () => {
    if (m.get(name) === check) m.delete(name);
  };
}

async function runChecks(checks: Map<string, HealthCheck>): Promise<{ ok: boolean; lines: string[] }> {
  const lines: string[] = [];
  let ok = true;
  for (const [name, check] of checks) {
    let pass = false;
    try {
      pass = await check();
    } catch {
      pass = false;
    }
    ok &&= pass;
    lines.push(`[${pass ? '+' : '-'}]${name} ${pass ? 'ok' : 'failed'}`);
  }
  return { ok, lines };
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serve /metrics (Prometheus text format from `plinthRegistry`), /healthz and /readyz
 * (200 "ok" or 503 listing failed checks; `?verbose` lists every check). Port 0 picks a free port.
 */
export async function serveMetrics(port: number, opts: { host?: string } = {}): Promise<MetricsServer> {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const respond = async (): Promise<void> => {
      if (url.pathname === '/metrics') {
        const reg = plinthRegistry();
        const body = await reg.metrics();
        res.writeHead(200, { 'Content-Type': reg.contentType });
        res.end(body);
        return;
      }
      if (url.pathname === '/healthz' || url.pathname === '/livez' || url.pathname === '/readyz') {
        const { ok, lines } = await runChecks(url.pathname === '/readyz' ? readyChecks : liveChecks);
        res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain; charset=utf-8' });
        const verbose = url.searchParams.has('verbose') || !ok;
        res.end(verbose ? `${lines.join('\n')}\n${ok ? 'ok' : 'failed'}\n` : 'ok\n');
        return;
      }
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
    };
    respond().catch((err: unknown) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`${errorMessage(err)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
