// The fleet server's Prometheus metrics (on the manager's /metrics).
import { Histogram } from 'prom-client';
import { plinthRegistry } from '../../kube/metrics.js';

/** Requests by route (artifact, hook, health, other) and HTTP status code. */
export const fleetRequestDuration = new Histogram({
  name: 'plinth_fleet_server_request_duration_seconds',
  help: 'Fleet HTTPS server request latency by route (artifact, hook, health, other) and HTTP status code',
  labelNames: ['route', 'code'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [plinthRegistry()],
});
