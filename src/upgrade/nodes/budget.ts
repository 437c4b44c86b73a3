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
 * An eviction counts from the moment it is sent. Once the server has accepted it, it still counts until the
 * cached PDB changes after that moment (the server's status update for it, or a newer one): until then the cache
 * may not include it. Evictions still on the wire always count, whatever else changes the PDB meanwhile. A
 * refused or failed eviction is given back at once. When in doubt the count is high, so the run waits.
 */
export class EvictionBudget {
  /** PDB key → (token → undefined while the eviction is on the wire, else the PDB's resourceVersion when it returned). */
  private readonly sent = new Map<string, Map<symbol, { at: string | undefined } | undefined>>();

  /** Disruptions left for this PDB (Infinity when the PDB has no status yet: the server decides). */
  available(key: string, pdb: V1PodDisruptionBudget | undefined): number {
    if (!pdb?.status) return Infinity;
    const rv = pdb.metadata?.resourceVersion;
    const m = this.sent.get(key);
    let live = 0;
    if (m) {
      for (const [t, done] of m) {
        if (done === undefined || done.at === rv) live++;
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
  take(keys: readonly string[]): symbol {
    const token = Symbol('eviction');
    for (const k of keys) {
      let m = this.sent.get(k);
      if (!m) this.sent.set(k, (m = new Map<symbol, { at: string | undefined } | undefined>()));
      m.set(token, undefined);
    }
    return token;
  }

  /** The server accepted the eviction: it counts until the cached PDB changes from what it is now. */
  accepted(token: symbol, get: (key: string) => V1PodDisruptionBudget | undefined): void {
    for (const [k, m] of this.sent) if (m.has(token)) m.set(token, { at: get(k)?.metadata?.resourceVersion });
  }

  /** The eviction was refused or failed: it does not count. */
  give(token: symbol): void {
    for (const m of this.sent.values()) m.delete(token);
  }
}

/**
 * At most `limit` eviction requests of the run on the wire at once. Past a few dozen, more concurrent
 * evictions do not evict faster: each one lists the namespace's PDBs and updates one, so they conflict with
 * each other and the disruption controller, take seconds each, and slow every other client of a busy API server.
 * Waiters are served in arrival order.
 */
export class EvictionSlots {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async acquire(signal: AbortSignal): Promise<() => void> {
    if (this.busy >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const go = (): void => {
          signal.removeEventListener('abort', stop);
          resolve();
        };
        const stop = (): void => {
          const i = this.waiting.indexOf(go);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal.reason as Error);
        };
        this.waiting.push(go);
        signal.addEventListener('abort', stop, { once: true });
      });
    } else this.busy++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.busy--;
    };
  }
}

/**
 * One eviction request of the run on the wire per PodDisruptionBudget. The API server decides an eviction by
 * an optimistic update of the PDB's status (disruptionsAllowed − 1, the pod added to disruptedPods); of ten
 * concurrent evictions under one PDB one wins and nine conflict, sleep (the server's EvictionsRetry backoff)
 * and try again, so they take seconds each where ten in a row take ten round trips. Pods under several PDBs
 * take their lanes in name order, so two evictions never wait for each other.
 */
export class PdbLanes {
  private readonly lanes = new Map<string, EvictionSlots>();

  async acquire(keys: readonly string[], signal: AbortSignal): Promise<() => void> {
    const held: Array<() => void> = [];
    const releaseAll = (): void => {
      for (const r of held.splice(0).reverse()) r();
    };
    try {
      for (const k of [...new Set(keys)].sort()) {
        let lane = this.lanes.get(k);
        if (!lane) this.lanes.set(k, (lane = new EvictionSlots(1)));
        held.push(await lane.acquire(signal));
      }
    } catch (err) {
      releaseAll();
      throw err;
    }
    return releaseAll;
  }
}
