import type { World } from './world.js';

/**
 * The health gate after a node: every workload whose pods were evicted from it is back to its
 * ready count, and every PodDisruptionBudget that covered them allows disruptions again
 * (currentHealthy ≥ desiredHealthy). Entries are `Kind namespace/name`; kinds Plinth cannot
 * count (Jobs, custom controllers) pass. Returns what is still not healthy.
 */
export function unhealthy(world: World, entries: readonly string[]): string[] {
  const out: string[] = [];
  for (const e of entries) {
    const [kind, key] = e.split(' ') as [string, string];
    if (kind === 'ReplicaSet' || kind === 'StatefulSet') {
      const w = kind === 'ReplicaSet' ? world.replicaSets.get(key) : world.statefulSets.get(key);
      if (!w) continue; // deleted meanwhile (e.g. a rollout replaced it)
      const want = w.spec?.replicas ?? 1;
      const ready = w.status?.readyReplicas ?? 0;
      if (ready < want) out.push(`${e} ${ready}/${want} ready`);
    } else if (kind === 'PodDisruptionBudget') {
      const b = world.pdbs.get(key);
      if (!b?.status) continue;
      const cur = b.status.currentHealthy ?? 0;
      const want = b.status.desiredHealthy ?? 0;
      if (cur < want) out.push(`${e} ${cur}/${want} healthy`);
    }
  }
  return out;
}
