import type { KubeClient } from '../../kube/http.js';
import type { EvictionBudget, EvictionSlots, PdbLanes } from './budget.js';
import type { SuccessorLedger } from './health.js';
import type { KubeletSimulator } from './simulator.js';
import type { NodeState, RunState } from './state.js';
import type { RunStore } from './store.js';
import type { World } from './world.js';

export interface RunEvent {
  at: number;
  node?: string;
  message: string;
}

export interface RunnerDeps {
  client: KubeClient;
  store: RunStore;
  world: World;
  evictionApi: string;
  pdbApi: string;
  /** Aborts when the run's lease is lost: stop acting at once. */
  signal: AbortSignal;
  onEvent(e: RunEvent): void;
  /** How often the control key (pause/abort) is read (default 1 s). */
  controlEveryMs?: number;
  /** Drives --simulate-version (a local cluster's simulated kubelet); absent, a simulated action fails. */
  simulator?: KubeletSimulator;
}

/** What every node of the window shares with the run (see Runner). */
export interface RunShared {
  readonly deps: RunnerDeps;
  readonly state: RunState;
  /** Successors already counted by a node's health gate (in memory: a resumed run starts with none). */
  readonly ledger: SuccessorLedger;
  /** Disruptions left per PDB as this run sees them (shared by every drain in the window). */
  readonly budget: EvictionBudget;
  /** Eviction requests on the wire at once, over all drains of the window. */
  readonly slots: EvictionSlots;
  /** One eviction request on the wire per PDB (concurrent ones only conflict on its status). */
  readonly lanes: PdbLanes;
  event(message: string, node?: string): void;
  /** Changes a node's state and marks it for the next write of the run state. */
  set(n: NodeState, patch: Partial<NodeState>): void;
  /** A node failed: with --on-failure stop, no new node starts. */
  nodeFailed(): void;
}

export const iso = (t = Date.now()): string => new Date(t).toISOString();
