import type { ContainerImageT, PlanAppStatusT, PlanHistoryEntryT, ReleasePlan, ReleasePlanStatusT } from '../../api/index.js';

export type PlanStatus = ReleasePlanStatusT;
export type AppStatus = PlanAppStatusT;
export type PlanPhase = NonNullable<PlanStatus['phase']>;

/** The `by` of the controller's own decisions (as in ReleaseOrder histories). */
export const PLAN_ACTOR = 'system:plinth';

/** Condition types of a ReleasePlan. */
export const PLAN_CONDITIONS = {
  /** False: the plan cannot run as written (a cycle, an app that does not exist…); the message says what to change. */
  valid: 'Valid',
  /** True: an app of this plan is in another active plan, which goes first. */
  conflict: 'Conflict',
  /** True: an app failed; the plan is paused until it is resumed or rolled back. */
  appFailed: 'AppFailed',
} as const;

/** What an app's own release looks like now (a CellDeployment's ReleaseOrder). */
export interface OrderObs {
  name: string;
  phase: string;
  /** Planned batches (0 until the ReleaseOrder controller planned them). */
  batches: number;
  confirmedBatches: number;
  paused: boolean;
  /** Batch 0 (the beta batch when strategy.beta) succeeded. */
  firstBatchDone: boolean;
}

/** What the controller saw of one app of the plan (read from the API on each reconcile). */
export interface AppObs {
  exists: boolean;
  /** The template's images by container name. */
  images: Record<string, string>;
  /** The app's controller has seen its current spec (status.observedGeneration >= metadata.generation). */
  settled: boolean;
  /** The release of the current spec: done, failing (with why), or under way. */
  state: 'Progressing' | 'Completed' | 'Failed';
  message?: string;
  /** Its release is held (the ReleaseOrder's or the Deployment's spec.paused). */
  paused: boolean;
  /** CellDeployment: strategy.beta and strategy.needConfirm. */
  strategy?: { beta: boolean; needConfirm: boolean };
  /** CellDeployment: the ReleaseOrder of its current template, once it exists. */
  order?: OrderObs;
}

/** Something the controller does after the status was written (each idempotent; recomputed on every reconcile). */
export type PlanAction =
  | { type: 'setImages'; app: string; kind: string; images: ContainerImageT[]; holdAfterBeta?: boolean; unpause?: boolean }
  | { type: 'confirmOrder'; app: string; order: string; confirmedBatches: number; stage: number }
  | { type: 'pauseApp'; app: string; kind: string; order?: string; paused: boolean }
  | { type: 'pausePlan'; message: string }
  | { type: 'restoreStrategy'; app: string; strategy: { beta: boolean; needConfirm: boolean } };

export interface DecideInput {
  plan: ReleasePlan;
  apps: ReadonlyMap<string, AppObs>;
  /** Another active plan that shares an app with this one and goes first, with the app. */
  conflict?: { plan: string; app: string };
  now: Date;
}

export interface DecideOutput {
  status: PlanStatus;
  actions: PlanAction[];
  /** Reconcile again after this long (the apps are polled while the plan is active). */
  requeueAfterMs?: number;
}

export type Say = (action: string, details?: { stage?: number; app?: string; message?: string }) => void;
export type { PlanHistoryEntryT };
