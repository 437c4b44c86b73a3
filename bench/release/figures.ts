// The release bench's figures: per workload, the numbers of its windows and its losslessness analysis; side by
// side in the report table (the CellDeployment as "plinth", the two Deployments as peers) with the issue's
// targets, and as a JSON results file.
import type { Figure } from '../lib/report.js';
import type { LossFigures } from './analysis.js';
import { totalWrites } from './metrics.js';
import { apiserverCpu, cpuTotal, type Window } from './window.js';
import type { WorkloadName } from './workloads.js';

export interface WorkloadResult {
  name: WorkloadName;
  bringUp: Window;
  release: Window;
  scaleDown?: Window;
  scaleUp?: Window;
  loss: LossFigures;
  /** The same analysis over the scale-down to half. */
  scaleDownLoss?: LossFigures;
}

/** The numbers of one workload, flat (what the JSON file holds per workload). */
export interface WorkloadSummary {
  bringUpSeconds: number;
  releaseSeconds: number;
  scaleDownSeconds?: number;
  scaleUpSeconds?: number;
  lossyPodSeconds: number;
  lossyPodSecondsReady: number;
  lossyPodSecondsStopped: number;
  lossyPods: number;
  scaleDownLossyPodSeconds?: number;
  scaleDownLossyRequests?: Record<string, number>;
  /** Keyed by the propagation delay in ms. */
  lossyRequests: Record<string, number>;
  lossyRequestsStopped: Record<string, number>;
  requestsSent: number;
  noEndpointRequests: Record<string, number>;
  apiserverCpuMsPerUpdatedPod: number;
  cpuSecondsPer1000UpdatedPods: number;
  writesPerUpdatedPod: number;
  ownWritesPerUpdatedPod: number;
  bringUpWritesPerPod: number;
}

/** Writes of the workload's own controller: the Plinth manager, or deployment-controller + replicaset-controller. */
function ownWrites(name: WorkloadName, w: Window): number {
  if (name === 'CellDeployment') return w.audit.byActor.get('plinth-manager') ?? 0;
  let s = 0;
  for (const [actor, n] of w.audit.byActor) if (/deployment-controller|replicaset-controller/.test(actor)) s += n;
  return s;
}

export function summarise(r: WorkloadResult, replicas: number): WorkloadSummary {
  const byDelay = (xs: LossFigures['requests'], k: 'lossy' | 'noEndpoint'): Record<string, number> => Object.fromEntries(xs.map((x) => [String(x.delayMs), x[k]]));
  return {
    bringUpSeconds: r.bringUp.ms / 1000,
    releaseSeconds: r.release.ms / 1000,
    scaleDownSeconds: r.scaleDown && r.scaleDown.ms / 1000,
    scaleUpSeconds: r.scaleUp && r.scaleUp.ms / 1000,
    lossyPodSeconds: r.loss.podSeconds.podSeconds,
    lossyPodSecondsReady: r.loss.podSecondsReady.podSeconds,
    lossyPodSecondsStopped: r.loss.podSecondsStopped.podSeconds,
    lossyPods: r.loss.podSeconds.pods,
    scaleDownLossyPodSeconds: r.scaleDownLoss?.podSeconds.podSeconds,
    scaleDownLossyRequests: r.scaleDownLoss && byDelay(r.scaleDownLoss.requests, 'lossy'),
    lossyRequests: byDelay(r.loss.requests, 'lossy'),
    lossyRequestsStopped: byDelay(r.loss.requestsStopped, 'lossy'),
    requestsSent: r.loss.requests[0]?.requests ?? 0,
    noEndpointRequests: byDelay(r.loss.requests, 'noEndpoint'),
    apiserverCpuMsPerUpdatedPod: (apiserverCpu(r.release) * 1000) / replicas,
    cpuSecondsPer1000UpdatedPods: (cpuTotal(r.release.cpu) * 1000) / replicas,
    writesPerUpdatedPod: totalWrites(r.release.metrics) / replicas,
    ownWritesPerUpdatedPod: ownWrites(r.name, r.release) / replicas,
    bringUpWritesPerPod: totalWrites(r.bringUp.metrics) / replicas,
  };
}

const DEP = 'Deployment';
const PRE = 'Deployment+preStop';

/** The table rows: the CellDeployment against both Deployments, targets against the plain Deployment. */
export function releaseFigures(s: Record<WorkloadName, WorkloadSummary>, delaysMs: readonly number[]): Figure[] {
  const row = (metric: string, unit: string, pick: (w: WorkloadSummary) => number | undefined, extra: Partial<Figure> = {}): Figure => ({
    metric,
    unit,
    better: 'lower',
    plinth: pick(s.CellDeployment) ?? NaN,
    peers: { [DEP]: pick(s.Deployment), [PRE]: pick(s[PRE]) },
    ...extra,
  });
  const withinOf = (factor: number) => (p: number, ps: Record<string, number | undefined>): boolean => ps[DEP] !== undefined && p <= factor * ps[DEP];
  const zero = { target: '0', check: (p: number): boolean => p === 0 };
  const requestRows = delaysMs.flatMap((d) => [
    row(`lossy requests, kube-proxy ${d} ms behind (deleted/terminating/image changed)`, 'requests', (w) => w.lossyRequests[String(d)], d === 0 ? zero : {}),
    row(`lossy requests, kube-proxy ${d} ms behind (process stopped)`, 'requests', (w) => w.lossyRequestsStopped[String(d)]),
  ]);
  return [
    row('release time (image change to all updated and ready)', 's', (w) => w.releaseSeconds, { target: '≤ 1.0× Deployment', check: withinOf(1.0) }),
    row('lossy pod-seconds (deleted/image changed, listed ready or serving)', 'pod-s', (w) => w.lossyPodSeconds, zero),
    row('lossy pod-seconds, listed ready only', 'pod-s', (w) => w.lossyPodSecondsReady),
    row('lossy pod-seconds, process stopped (after preStop), listed', 'pod-s', (w) => w.lossyPodSecondsStopped),
    ...requestRows,
    row('kube-apiserver CPU per updated pod', 'ms', (w) => w.apiserverCpuMsPerUpdatedPod, { target: '≤ 1.2× Deployment', check: withinOf(1.2) }),
    row('CPU per 1,000 updated pods (cluster + this process)', 'CPU-s', (w) => w.cpuSecondsPer1000UpdatedPods),
    row('API writes per updated pod, all clients', 'writes', (w) => w.writesPerUpdatedPod),
    row("API writes per updated pod, workload controller's own", 'writes', (w) => w.ownWritesPerUpdatedPod),
    row('bring-up time (0 to all ready)', 's', (w) => w.bringUpSeconds, { target: '≤ 1.2× Deployment', check: withinOf(1.2) }),
    row('API writes per pod at bring-up, all clients', 'writes', (w) => w.bringUpWritesPerPod),
    row('scale down to half', 's', (w) => w.scaleDownSeconds, { target: '≤ 1.2× Deployment', check: withinOf(1.2) }),
    row('lossy pod-seconds during the scale-down (issue reading)', 'pod-s', (w) => w.scaleDownLossyPodSeconds),
    ...delaysMs.map((d) => row(`lossy requests during the scale-down, kube-proxy ${d} ms behind`, 'requests', (w) => w.scaleDownLossyRequests?.[String(d)])),
    row('scale back up to all', 's', (w) => w.scaleUpSeconds, { target: '≤ 1.2× Deployment', check: withinOf(1.2) }),
  ];
}
