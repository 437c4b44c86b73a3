import type { FleetDeliverySpecT } from '../../api/index.js';
import { selectorMatches } from '../../kube/selector.js';
import type { MemberView } from './types.js';

/** The clusters a delivery is placed on, and the names in `clusterNames` that could not be placed. */
export interface Placement {
  /** Accepted MemberClusters matching the selector or named, sorted by name. */
  placed: MemberView[];
  /** Names in clusterNames with no MemberCluster. */
  unknown: string[];
  /** Names in clusterNames whose MemberCluster is not accepted yet. */
  notAccepted: string[];
}

/** Whether a cluster is targeted by a selector and/or a list of names (their union; neither set: none). */
export function targets(target: Pick<FleetDeliverySpecT['placement'], 'clusterSelector' | 'clusterNames'>, m: Pick<MemberView, 'name' | 'labels'>): boolean {
  if (target.clusterNames?.includes(m.name)) return true;
  return target.clusterSelector !== undefined && selectorMatches(target.clusterSelector, m.labels);
}

/**
 * Pure: the accepted MemberClusters that match placement.clusterSelector or are named in
 * placement.clusterNames (the union), sorted by name; named clusters that do not exist or are not
 * accepted are reported, not placed.
 */
export function place(placement: FleetDeliverySpecT['placement'], members: readonly MemberView[]): Placement {
  const byName = new Map(members.map((m) => [m.name, m]));
  const placed = members.filter((m) => m.accepted && targets(placement, m)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const unknown: string[] = [];
  const notAccepted: string[] = [];
  for (const n of placement.clusterNames ?? []) {
    const m = byName.get(n);
    if (!m) unknown.push(n);
    else if (!m.accepted) notAccepted.push(n);
  }
  return { placed, unknown: unknown.sort(), notAccepted: notAccepted.sort() };
}
