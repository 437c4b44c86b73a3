import type { RunSettings } from './options.js';

/**
 * A node's way through a run:
 *   pending → cordon → drain → upgrade → wait-ready → uncordon → health → done
 * and the ends `failed` (left cordoned, see message), `skipped` (already at the expected version)
 * and `aborted` (the run was aborted before the node was upgraded; uncordoned again).
 */
export const PHASES = ['pending', 'cordon', 'drain', 'upgrade', 'wait-ready', 'uncordon', 'health', 'done', 'failed', 'skipped', 'aborted'] as const;
export type NodePhase = (typeof PHASES)[number];

export const IN_FLIGHT: readonly NodePhase[] = ['cordon', 'drain', 'upgrade', 'wait-ready', 'uncordon', 'health'];
export const FINISHED: readonly NodePhase[] = ['done', 'failed', 'skipped', 'aborted'];

export interface NodeState {
  name: string;
  phase: NodePhase;
  /** The kubelet version before the upgrade. */
  from?: string;
  /** The kubelet version after it. */
  to?: string;
  /** The node was already cordoned before the run (it stays cordoned). */
  wasCordoned?: boolean;
  startedAt?: string;
  finishedAt?: string;
  /** Milliseconds spent in each phase (summed over attempts). */
  timings: Partial<Record<'drain' | 'upgrade' | 'waitReady' | 'health' | 'total', number>>;
  evicted: number;
  /** How many times a phase was redone after a transient API error (timeout, 5xx, reset). */
  transientErrors?: number;
  /** How many times the upgrade action was started (1 in a clean run). */
  upgradeAttempts: number;
  /** PodDisruptionBudgets (namespace/name) that blocked an eviction on this node. */
  blockedBy?: string[];
  /** Workloads (kind namespace/name) whose pods were evicted: the health gate waits for them. */
  workloads?: string[];
  /** Pods evicted per workload (kind namespace/name): the health gate waits for as many Ready successors. */
  evictedFrom?: Record<string, number>;
  /** When the drain began: successors are the workload's pods created since. */
  drainStartedAt?: string;
  message?: string;
}

export type RunPhase = 'Running' | 'Paused' | 'Succeeded' | 'Failed' | 'Aborted';
export type Control = '' | 'pause' | 'abort';

export type DecisionAction = 'pause' | 'resume' | 'abort';

/** A person's decision on the run, with who made it (the main ConfigMap's `decisions` key; see decide.ts). */
export interface Decision {
  at: string;
  /** The user who decided (the console's signed-in user, or the CLI's SelfSubjectReview identity). */
  by: string;
  action: DecisionAction;
  /** The run's phase when it was decided. */
  phase: RunPhase;
}

export interface RunState {
  name: string;
  settings: RunSettings;
  phase: RunPhase;
  /** The window size the settings gave for the selected nodes. */
  window: number;
  createdAt: string;
  finishedAt?: string;
  /** The identity that acts on the run now (or last did). */
  holder?: string;
  /** Which Eviction API the run uses, e.g. policy/v1. */
  evictionApi?: string;
  message?: string;
  nodes: Record<string, NodeState>;
}

export const isInFlight = (p: NodePhase): boolean => IN_FLIGHT.includes(p);
export const isFinished = (p: NodePhase): boolean => FINISHED.includes(p);

export function newNodeState(name: string): NodeState {
  return { name, phase: 'pending', timings: {}, evicted: 0, upgradeAttempts: 0 };
}

/** Where a node resumes after an interruption: what it was doing is redone from a safe point. */
export function resumePhase(p: NodePhase): NodePhase {
  switch (p) {
    case 'cordon':
    case 'drain':
      return 'cordon'; // cordon and drain again (both are idempotent)
    case 'upgrade':
      return 'upgrade'; // re-checked: skipped when the node already reports the expected version
    default:
      return p;
  }
}

export interface Counts {
  total: number;
  done: number;
  inFlight: number;
  failed: number;
  pending: number;
  skipped: number;
  aborted: number;
}

export function countNodes(s: Pick<RunState, 'nodes'>): Counts {
  const c: Counts = { total: 0, done: 0, inFlight: 0, failed: 0, pending: 0, skipped: 0, aborted: 0 };
  for (const n of Object.values(s.nodes)) {
    c.total++;
    if (n.phase === 'done') c.done++;
    else if (n.phase === 'failed') c.failed++;
    else if (n.phase === 'skipped') c.skipped++;
    else if (n.phase === 'aborted') c.aborted++;
    else if (n.phase === 'pending') c.pending++;
    else c.inFlight++;
  }
  return c;
}

/**
 * Estimated time left: the mean duration of the nodes done so far, times the nodes still to go,
 * divided by the window (nodes run in parallel). Undefined before the first node is done.
 */
export function etaMs(s: Pick<RunState, 'nodes'>, window: number): number | undefined {
  const done = Object.values(s.nodes).filter((n) => n.phase === 'done' && n.timings.total !== undefined);
  if (done.length === 0) return undefined;
  const mean = done.reduce((a, n) => a + (n.timings.total ?? 0), 0) / done.length;
  const c = countNodes(s);
  const left = c.pending + c.inFlight / 2;
  return Math.round((mean * left) / Math.max(1, window));
}

/** Order in which nodes are started: those interrupted mid-way first, then by name. */
export function startOrder(nodes: readonly NodeState[]): NodeState[] {
  return [...nodes]
    .filter((n) => !isFinished(n.phase))
    .sort((a, b) => Number(isInFlight(b.phase)) - Number(isInFlight(a.phase)) || a.name.localeCompare(b.name));
}

/**
 * Failed nodes stay cordoned and so stay unavailable: they take a slot of the window
 * (with --on-failure continue the run goes on while slots remain).
 */
export function freeSlots(window: number, inFlight: number, failedCordoned: number): number {
  return Math.max(0, window - inFlight - failedCordoned);
}

/** Phases in which an abort may simply undo the node's cordon (nothing on it changed yet). */
export const drainAbortable = (p: NodePhase): boolean => p === 'cordon' || p === 'drain';
