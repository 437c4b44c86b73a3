import type { FleetDeliveryStatusT } from '../../api/index.js';
import type { ClusterState } from './cluster-state.js';

/** At most this many failing clusters are listed in status.failing. */
export const FAILING_LIMIT = 10;

/** Pure: the cluster counts and the first failing clusters (by name) for the status. */
export function aggregate(states: readonly ClusterState[], placed: number): Pick<FleetDeliveryStatusT, 'clusters' | 'failing'> {
  const failing = states
    .filter((s) => s.failed)
    .sort((a, b) => (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0))
    .slice(0, FAILING_LIMIT)
    .map((s) => ({ cluster: s.cluster, message: (s.message ?? 'failed').slice(0, 1024) }));
  return {
    clusters: {
      placed,
      applied: states.filter((s) => s.applied).length,
      healthy: states.filter((s) => s.healthy).length,
      failed: states.filter((s) => s.failed).length,
      disconnected: states.filter((s) => s.disconnected).length,
    },
    failing,
  };
}
