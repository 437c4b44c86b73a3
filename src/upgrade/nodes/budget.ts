import type { V1PodDisruptionBudget } from '@kubernetes/client-node';

/**
 * The run's own view of how many more disruptions each PodDisruptionBudget allows right now: the cached
 * `status.disruptionsAllowed` minus the evictions this run has sent that the cache does not show yet.
 *
 * Every drain in the window asks before it sends an eviction for a pod that a PDB covers. Without this,
 * every pod waiting on a PDB would fire as soon as the PDB allowed one more disruption. With a hundred nodes in
 * flight that is a dozen evictions for one slot, eleven of them 429s, and each 429 costs the API server a
 * PDB list. The API server still decides every eviction; this only avoids asking when the answer is known.
 *
 * An eviction the server accepted stays counted until the cached PDB changes (its resourceVersion moves:
 * the server's own status update for that eviction, or a newer one). A refused or failed one is returned at once.
 */
export class EvictionBudget {
  /** PDB key → (token → the PDB's resourceVersion when the eviction was sent). */
  private readonly sent = new Map<string, Map<symbol, string | undefined>>();

  /** Disruptions left for this PDB (Infinity when the PDB has no status yet: the server decides). */
  available(key: string, pdb: V1PodDisruptionBudget | undefined): number {
    if (!pdb?.status) return Infinity;
    const rv = pdb.metadata?.resourceVersion;
    const m = this.sent.get(key);
    let live = 0;
    if (m) {
      for (const [t, at] of m) {
        if (at === rv) live++;
        else m.delete(t);
      }
    }
    return (pdb.status.disruptionsAllowed ?? 0) - live;
  }

  /** Every PDB has a disruption left. */
  allows(keys: readonly string[], get: (key: string) => V1PodDisruptionBudget | undefined): boolean {
    return keys.every((k) => this.available(k, get(k)) > 0);
  }

  /** Counts an eviction about to be sent against every PDB that covers the pod. */
  take(keys: readonly string[], get: (key: string) => V1PodDisruptionBudget | undefined): symbol {
    const token = Symbol('eviction');
    for (const k of keys) {
      let m = this.sent.get(k);
      if (!m) this.sent.set(k, (m = new Map<symbol, string | undefined>()));
      m.set(token, get(k)?.metadata?.resourceVersion);
    }
    return token;
  }

  /** The eviction was refused or failed: it does not count. */
  give(token: symbol): void {
    for (const m of this.sent.values()) m.delete(token);
  }
}
