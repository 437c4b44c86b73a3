import type { KubeClient } from '../../kube/http.js';
import type { EvictionBudget, EvictionSlots, PdbLanes } from './budget.js';
import type { World } from './world.js';

/** What a drain works with: the run's client, caches and settings, and the bounds it shares with the other drains. */
export interface DrainContext {
  client: KubeClient;
  world: World;
  evictionApi: string;
  pdbApi: string;
  podTimeoutMs: number;
  deleteEmptyDirData: boolean;
  signal: AbortSignal;
  /** The run's count of disruptions left per PDB, shared by every drain in the window. */
  budget?: EvictionBudget;
  /** The run's limit on eviction requests on the wire at once, shared by every drain. */
  slots?: EvictionSlots;
  /** One eviction on the wire per PDB at once (shared by every drain). */
  lanes?: PdbLanes;
  /** A line worth telling the user (a PDB blocks, a pod would not go, …). */
  event(node: string, message: string): void;
  /** A PodDisruptionBudget blocks an eviction on the node (recorded in the run state at once). */
  blocked?(node: string, pdb: string): void;
}

export type DrainResult =
  | { ok: true; evicted: number; workloads: string[]; evictedFrom: Record<string, number>; blockedBy: string[] }
  | { ok: false; message: string; evicted: number; workloads: string[]; evictedFrom: Record<string, number>; blockedBy: string[] };
