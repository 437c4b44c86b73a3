/** Pure: how live events change the release detail on screen. */
import type { ChangeEvent, PodState, ReleaseDetail } from './api/types.js';

const POD_STATES = new Set<string>(['waiting', 'draining', 'updating', 'ready', 'failed']);

/** The detail with one pod's state changed by a Pod event (the same object when the event does not apply). */
export function applyPodEvent(d: ReleaseDetail, e: ChangeEvent): ReleaseDetail {
  return applyPodEvents(d, [e]);
}

/**
 * The detail with the pods' states changed by Pod events, in order (the same object when none applies): many
 * events in one pass, so a burst of them costs one render.
 */
export function applyPodEvents(d: ReleaseDetail, events: readonly ChangeEvent[]): ReleaseDetail {
  let pods: ReleaseDetail['pods'] | undefined;
  let index: Map<string, number> | undefined;
  for (const e of events) {
    const state = e.summary.state;
    if (e.kind !== 'Pod' || e.namespace !== d.status.namespace || typeof state !== 'string' || !POD_STATES.has(state)) continue;
    index ??= new Map(d.pods.map((p, i) => [p.name, i]));
    const i = index.get(e.name);
    if (i === undefined) continue;
    pods ??= [...d.pods];
    const old = pods[i]!;
    pods[i] = {
      ...old,
      state: state as PodState,
      ready: typeof e.summary.ready === 'boolean' ? e.summary.ready : old.ready,
      revision: typeof e.summary.revision === 'string' ? e.summary.revision : old.revision,
    };
  }
  return pods ? { ...d, pods } : d;
}

/** Whether a ReleaseOrder or CellDeployment event concerns this release (so the detail is loaded again). */
export function concerns(d: ReleaseDetail, e: ChangeEvent): boolean {
  if (e.namespace !== d.status.namespace) return false;
  if (e.kind === 'ReleaseOrder') return e.name === d.status.releaseOrder || e.summary.cellDeployment === d.status.target.name;
  if (e.kind === 'CellDeployment') return e.name === d.status.target.name;
  return false;
}
