import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { errorMessage } from '../errors/index.js';

/**
 * Plinth's Prometheus registry and the runtime's metrics. Everything in src/kube registers
 * here; controllers may add their own with `plinthRegistry` as the register.
 */
export const plinthRegistry = new Registry();

let defaultsCollected = false;
/** Add Node.js process metrics (heap, event loop lag, ...) to the registry, once. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: plinthRegistry, prefix: 'plinth_' });
}

const registers = [plinthRegistry];

export const kubeRequestDuration = new Histogram({
  name: 'plinth_kube_request_duration_seconds',
  help: 'Kubernetes API request latency by verb and HTTP status code',
  labelNames: ['verb', 'code'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers,
});

export const informerWatchRestarts = new Counter({
  name: 'plinth_informer_watch_restarts_total',
  help: 'Watches restarted by an informer, by reason (error, end, stall, gone)',
  labelNames: ['informer', 'reason'] as const,
  registers,
});

export const informerRelists = new Counter({
  name: 'plinth_informer_relists_total',
  help: 'Full lists after the initial one (410 Gone or expired continue token)',
  labelNames: ['informer'] as const,
  registers,
});

export const informerEvents = new Counter({
  name: 'plinth_informer_events_total',
  help: 'Events received from watches, by watch event type (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR)',
  labelNames: ['informer', 'type'] as const,
  registers,
});

export const informerObjects = new Gauge({
  name: 'plinth_informer_objects',
  help: 'Objects in an informer cache',
  labelNames: ['informer'] as const,
  registers,
});

export const queueDepth = new Gauge({
  name: 'plinth_workqueue_depth',
  help: 'Keys waiting in a work queue (ready, not counting delayed ones)',
  labelNames: ['queue'] as const,
  registers,
});

export const queueAdds = new Counter({
  name: 'plinth_workqueue_adds_total',
  help: 'Keys added to a work queue (including duplicates that were folded)',
  labelNames: ['queue'] as const,
  registers,
});

export const queueRetries = new Counter({
  name: 'plinth_workqueue_retries_total',
  help: 'Rate-limited re-adds (retries with backoff)',
  labelNames: ['queue'] as const,
  registers,
});

export const queueWorkDuration = new Histogram({
  name: 'plinth_workqueue_work_duration_seconds',
  help: 'Time a worker spent on one key',
  labelNames: ['queue'] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
  registers,
});

export const queueLatency = new Histogram({
  name: 'plinth_workqueue_queue_duration_seconds',
  help: 'Time a key waited in the queue before a worker took it',
  labelNames: ['queue'] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
  registers,
});

export const reconcileTotal = new Counter({
  name: 'plinth_controller_reconcile_total',
  help: 'Reconciles by controller and result (done, requeue, requeue_after, error)',
  labelNames: ['controller', 'result'] as const,
  registers,
});

export const leaderStatus = new Gauge({
  name: 'plinth_leader_is_leader',
  help: '1 while this process holds the lease',
  labelNames: ['lease'] as const,
  registers,
});

export const leaderTransitions = new Counter({
  name: 'plinth_leader_transitions_total',
  help: 'Times this process started or stopped leading',
  labelNames: ['lease', 'to'] as const,
  registers,
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
        const body = await plinthRegistry.metrics();
        res.writeHead(200, { 'Content-Type': plinthRegistry.contentType });
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
