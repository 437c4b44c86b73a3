import type { ClusterOverrideT, FleetOverrideT } from '../../api/index.js';
import { targets } from './placement.js';
import type { MemberView } from './types.js';

/** The overrides of each placed cluster, and the overrides that match no placed cluster. */
export interface OverrideSelection {
  byCluster: Map<string, ClusterOverrideT[]>;
  /** Indexes (0-based, as in spec.overrides) of overrides that match no placed cluster. */
  unmatched: number[];
}

/** The part of an override a ClusterDelivery carries: what it changes, not whom it targets. */
export function changesOf(o: FleetOverrideT): ClusterOverrideT {
  const out: ClusterOverrideT = {};
  if (o.images !== undefined) out.images = o.images;
  if (o.replicas !== undefined) out.replicas = o.replicas;
  if (o.labels !== undefined) out.labels = o.labels;
  if (o.annotations !== undefined) out.annotations = o.annotations;
  if (o.patches !== undefined) out.patches = o.patches;
  return out;
}

/**
 * Pure: for each placed cluster, the overrides whose clusterSelector or clusterNames match it (their union),
 * in the order spec.overrides lists them, reduced to what they change; overrides that match no placed cluster
 * are reported by index.
 */
export function selectOverrides(overrides: readonly FleetOverrideT[] | undefined, placed: readonly MemberView[]): OverrideSelection {
  const byCluster = new Map<string, ClusterOverrideT[]>(placed.map((m) => [m.name, []]));
  const unmatched: number[] = [];
  (overrides ?? []).forEach((o, i) => {
    let hit = false;
    for (const m of placed) {
      if (!targets(o, m)) continue;
      hit = true;
      byCluster.get(m.name)!.push(changesOf(o));
    }
    if (!hit) unmatched.push(i);
  });
  return { byCluster, unmatched };
}
