import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { KWOK_NODE_ANNOTATION, KWOK_NODE_VALUE, POD_FROZEN_ANNOTATION } from './annotations.js';
import { nodeStages } from './node-stages.js';
import { podStages, type PodStageOptions } from './pod-stages.js';

export interface KwokConfigOptions extends PodStageOptions {
  kubeletVersion: string;
  nodeHeartbeatMs: number;
  /** Nodes the cluster starts with: sizes kwok's node lease workers. */
  nodeCount: number;
  /** Duration of each node's Lease; kwok renews it every quarter of that. */
  nodeLeaseSeconds: number;
}

/**
 * kwok's workers for node leases. Every node renews its Lease every quarter of its duration (10 s of a kubelet's
 * 40 s); a real cluster has one kubelet per node doing that. With kwok's default 8 workers, 1,000 nodes need 100
 * renewals/s from 8 requests in flight: once the API server is busy (a bring-up, a drain window) each takes longer
 * than 80 ms, renewals fall behind the node lifecycle controller's grace period and healthy nodes turn NotReady.
 * One worker per 1.6 renewals a second (one per 16 nodes at 40 s) keeps a renewal's budget above 1 s.
 */
export function leaseWorkers(nodes: number, leaseSeconds: number): number {
  const renewalsPerSecond = nodes / (leaseSeconds / 4);
  return Math.max(8, Math.ceil(renewalsPerSecond / 1.6 - 1e-9));
}

export const KWOK_DEFAULTS = {
  inPlaceDelayMs: 500,
  podStartDelayMs: 100,
  podStopDelayMs: 0,
  jobRunMs: 1000,
  // A simulated image pull (PLINTH_KWOK_PULL_MS overrides it).
  pullMs: 2000,
  // A kubelet with node leases reports an unchanged node status every 5 minutes (nodeStatusReportFrequency);
  // liveness comes from the lease. At 1,000 nodes a 60 s heartbeat was 17 node status patches/s, each sent to
  // every node watcher (scheduler, controller manager, kwok, Plinth).
  nodeHeartbeatMs: 300_000,
} as const;

/** The simulated pull duration: `PLINTH_KWOK_PULL_MS` when it is a whole number of ms, else the default (2000). */
export function pullMsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.PLINTH_KWOK_PULL_MS;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : KWOK_DEFAULTS.pullMs;
}

/** Fallback pod CIDR of kwok (nodes we create carry their own spec.podCIDR). */
export const KWOK_FALLBACK_CIDR = '10.240.0.1/16';

/**
 * The multi-document kwok config: a KwokConfiguration (which nodes kwok manages) followed by our
 * node and pod stages. Passing stages in --config replaces kwok's defaults entirely.
 */
export function kwokConfigYaml(o: KwokConfigOptions): string {
  const conf = {
    apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
    kind: 'KwokConfiguration',
    options: {
      cidr: KWOK_FALLBACK_CIDR,
      manageAllNodes: false,
      manageNodesWithAnnotationSelector: `${KWOK_NODE_ANNOTATION}=${KWOK_NODE_VALUE}`,
      disregardStatusWithAnnotationSelector: `${POD_FROZEN_ANNOTATION}=true`,
      nodeLeaseDurationSeconds: o.nodeLeaseSeconds,
      nodePort: 10250,
      // kwok plays stages with 4 workers by default: with a few hundred pods changing at once (a release
      // batch, a drain window) that queue, not the API server, is what a test or benchmark waits for. A real
      // cluster has one kubelet per node, each acting on its own pods in parallel.
      podPlayStageParallelism: 32,
      nodePlayStageParallelism: 8,
      nodeLeaseParallelism: leaseWorkers(o.nodeCount, o.nodeLeaseSeconds),
    },
  };
  const docs = [conf, ...nodeStages({ kubeletVersion: o.kubeletVersion, heartbeatMs: o.nodeHeartbeatMs }), ...podStages(o)];
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

export async function writeKwokConfig(path: string, o: KwokConfigOptions): Promise<void> {
  await writeFile(path, kwokConfigYaml(o));
}
