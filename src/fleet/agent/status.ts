// The ClusterDelivery status the agent writes, computed from its record, drift and health (pure).
import type { ClusterDeliveryStatusT } from '../../api/fleet/clusterdelivery.js';
import { clipMessage, setCondition, statusEqual, type Condition } from '../../kube/status.js';
import type { Health } from './health.js';
import type { AgentRecord, DriftCounts } from './record.js';

export interface StatusInput {
  generation?: number;
  record: AgentRecord | undefined;
  health: { health: Health; message?: string } | undefined;
  drift: DriftCounts | undefined;
  driftedNow: string[];
  /** A failure before any object was applied (artifact fetch, digest, overrides), or undefined. */
  error?: string;
  /** The hub asked for a sequence lower than the one applied: ignored. */
  staleSequence?: number;
  suspended?: boolean;
}

/** The status to write, keeping `lastTransitionTime` of conditions that did not change. */
export function deliveryStatus(prev: ClusterDeliveryStatusT | undefined, x: StatusInput, now = new Date()): ClusterDeliveryStatusT {
  const r = x.record;
  const failures = (r?.failures ?? []).slice(0, 20);
  const health: Health | 'Unknown' = x.error || failures.length > 0 ? 'Degraded' : (x.health?.health ?? 'Unknown');
  let conditions = (prev?.conditions ?? []) as Condition[];
  const applied: Condition = x.error
    ? { type: 'Applied', status: 'False', reason: 'Failed', message: clipMessage(x.error) }
    : failures.length > 0
      ? { type: 'Applied', status: 'False', reason: 'ObjectsFailed', message: clipMessage(`${failures.length} object(s) failed; first: ${failures[0]!.kind} ${failures[0]!.name}: ${failures[0]!.message}`) }
      : x.suspended
        ? { type: 'Applied', status: r?.phase === 'Applied' ? 'True' : 'False', reason: 'Suspended', message: 'the delivery is suspended on this cluster' }
        : x.staleSequence !== undefined
          ? { type: 'Applied', status: 'True', reason: 'StaleSequenceIgnored', message: `sequence ${x.staleSequence} is lower than the applied ${r?.sequence}; ignored` }
          : r?.phase === 'Applied'
            ? { type: 'Applied', status: 'True', reason: 'Applied', message: `sequence ${r.sequence} (${r.revision}) applied` }
            : { type: 'Applied', status: 'False', reason: 'Applying', message: 'applying' };
  conditions = setCondition(conditions, applied, now);
  const ready: Condition =
    health === 'Healthy'
      ? { type: 'Ready', status: 'True', reason: 'Healthy', message: 'every object is applied and healthy' }
      : { type: 'Ready', status: health === 'Degraded' ? 'False' : 'Unknown', reason: health, message: clipMessage(x.error ?? x.health?.message ?? health) };
  conditions = setCondition(conditions, ready, now);
  const drifted = x.driftedNow.slice(0, 20);
  conditions = setCondition(
    conditions,
    drifted.length > 0
      ? { type: 'Drifted', status: 'True', reason: 'Reported', message: clipMessage(`${x.driftedNow.length} object(s) differ from the desired state: ${drifted.slice(0, 5).join(', ')}`) }
      : { type: 'Drifted', status: 'False', reason: 'InSync', message: 'the applied objects match the desired state' },
    now,
  );
  const done = r && (r.phase === 'Applied' || r.appliedSequence !== undefined);
  return {
    ...(x.generation !== undefined ? { observedGeneration: x.generation } : {}),
    ...(done && r.appliedSequence !== undefined
      ? { appliedRevision: r.appliedRevision, appliedSequence: r.appliedSequence, appliedDigest: r.appliedDigest, lastAppliedAt: r.appliedAt }
      : {}),
    health,
    objects: r?.inventory.length ?? 0,
    ...(failures.length > 0 ? { failures } : {}),
    drift: {
      detected: x.drift?.detected ?? 0,
      corrected: x.drift?.corrected ?? 0,
      ...(x.drift?.lastAt ? { lastAt: x.drift.lastAt } : {}),
      ...(drifted.length > 0 ? { objects: drifted } : {}),
    },
    conditions: conditions as ClusterDeliveryStatusT['conditions'],
  };
}

/**
 * True when `next` differs from `prev` only in the Ready condition's message while both are Progressing (a rollout
 * counting replicas up): such a status is not worth a hub write per step; the write that ends Progressing carries it.
 */
export function onlyProgressMessage(prev: ClusterDeliveryStatusT | undefined, next: ClusterDeliveryStatusT): boolean {
  if (prev?.health !== 'Progressing' || next.health !== 'Progressing') return false;
  const strip = (s: ClusterDeliveryStatusT): unknown => ({
    ...s,
    conditions: (s.conditions ?? []).map((c) => (c.type === 'Ready' ? { ...c, message: '' } : c)),
  });
  return statusEqual(strip(prev), strip(next));
}
