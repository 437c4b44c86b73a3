// The GitSource controller's metrics: how often the hub goes to Git, and how long a check and a render take.
import { Counter, Histogram } from 'prom-client';
import { plinthRegistry } from '../../kube/metrics.js';

/** Requests to Git servers: op = ls-remote | fetch; result = ok | error. */
export const gitRequests = new Counter({
  name: 'plinth_fleet_git_requests_total',
  help: 'Requests the hub made to Git servers (one ls-remote per URL + ref per interval, one fetch per new commit)',
  labelNames: ['op', 'result'] as const,
  registers: [plinthRegistry()],
});

/** Time to render one path of one commit into an artifact. */
export const renderDuration = new Histogram({
  name: 'plinth_fleet_render_duration_seconds',
  help: 'Rendering one path of one commit (plain YAML or kustomize build) into an artifact',
  labelNames: ['result'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [plinthRegistry()],
});
