// Health of applied objects from their live status (pure): workloads by rollout status, others once applied.

export type Health = 'Healthy' | 'Progressing' | 'Degraded';

export interface ObjectHealth {
  health: Health;
  message?: string;
}

interface Live {
  kind: string;
  metadata?: { generation?: number; name?: string; namespace?: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function conditions(o: Live): Array<{ type?: string; status?: string; reason?: string; message?: string }> {
  const c = o.status?.conditions;
  return Array.isArray(c) ? (c as Array<{ type?: string; status?: string; reason?: string; message?: string }>) : [];
}

function observed(o: Live): boolean {
  return num(o.status?.observedGeneration) >= num(o.metadata?.generation);
}

/**
 * The health of one live object. Deployments, StatefulSets, DaemonSets and CellDeployments are Healthy once
 * their controller observed the current generation and every replica is updated and available (ready);
 * Degraded when a rollout went past its progress deadline (Deployment: Progressing=False
 * ProgressDeadlineExceeded; CellDeployment: phase Failed or Stalled=True); Progressing otherwise. Other kinds
 * are Healthy once applied.
 */
export function objectHealth(o: Live): ObjectHealth {
  const want = typeof o.spec?.replicas === 'number' ? o.spec.replicas : 1;
  const s = o.status ?? {};
  switch (o.kind) {
    case 'Deployment': {
      const stuck = conditions(o).find((c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded');
      if (stuck) return { health: 'Degraded', message: stuck.message ?? 'progress deadline exceeded' };
      if (!observed(o)) return { health: 'Progressing', message: 'waiting for the rollout to be observed' };
      if (num(s.updatedReplicas) < want) return { health: 'Progressing', message: `${num(s.updatedReplicas)} of ${want} replicas updated` };
      if (num(s.replicas) > num(s.updatedReplicas)) return { health: 'Progressing', message: `${num(s.replicas) - num(s.updatedReplicas)} old replicas pending termination` };
      if (num(s.availableReplicas) < want) return { health: 'Progressing', message: `${num(s.availableReplicas)} of ${want} replicas available` };
      return { health: 'Healthy' };
    }
    case 'StatefulSet': {
      if (!observed(o)) return { health: 'Progressing', message: 'waiting for the rollout to be observed' };
      if (num(s.readyReplicas) < want) return { health: 'Progressing', message: `${num(s.readyReplicas)} of ${want} replicas ready` };
      const strategy = (o.spec?.updateStrategy as { type?: string } | undefined)?.type ?? 'RollingUpdate';
      if (strategy === 'RollingUpdate' && num(s.updatedReplicas) < want) return { health: 'Progressing', message: `${num(s.updatedReplicas)} of ${want} replicas updated` };
      if (strategy === 'RollingUpdate' && s.updateRevision !== undefined && s.currentRevision !== s.updateRevision) return { health: 'Progressing', message: 'rolling update in progress' };
      return { health: 'Healthy' };
    }
    case 'DaemonSet': {
      if (!observed(o)) return { health: 'Progressing', message: 'waiting for the rollout to be observed' };
      const desired = num(s.desiredNumberScheduled);
      if (num(s.updatedNumberScheduled) < desired) return { health: 'Progressing', message: `${num(s.updatedNumberScheduled)} of ${desired} pods updated` };
      if (num(s.numberAvailable) < desired) return { health: 'Progressing', message: `${num(s.numberAvailable)} of ${desired} pods available` };
      return { health: 'Healthy' };
    }
    case 'CellDeployment': {
      const stalled = conditions(o).find((c) => c.type === 'Stalled' && c.status === 'True');
      if (s.phase === 'Failed' || stalled) return { health: 'Degraded', message: stalled?.message ?? 'the release failed' };
      if (!observed(o)) return { health: 'Progressing', message: 'waiting for the release to be observed' };
      if (num(s.updatedReplicas) < want || num(s.readyReplicas) < want) return { health: 'Progressing', message: `${num(s.updatedReplicas)} updated, ${num(s.readyReplicas)} ready of ${want}` };
      return { health: 'Healthy' };
    }
    default:
      return { health: 'Healthy' };
  }
}

/** The worst of several healths: Degraded > Progressing > Healthy (Healthy for none). */
export function worstHealth(list: readonly Health[]): Health {
  if (list.includes('Degraded')) return 'Degraded';
  if (list.includes('Progressing')) return 'Progressing';
  return 'Healthy';
}
