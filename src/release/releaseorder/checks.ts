import type { V1Pod } from '@kubernetes/client-node';
import type { Static } from '@sinclair/typebox';
import type { CellDeployment, CheckResult, ReleaseOrder } from '../../api/index.js';

/** One entry of ReleaseOrder status.checks. */
export type CheckResultT = Static<typeof CheckResult>;

/** What a check hook is asked about. */
export interface CheckContext {
  order: ReleaseOrder;
  cd: CellDeployment;
  /** The batch about to start (beforeBatch), running (duringBatch) or whose pods all finished (afterBatch). */
  batch: number;
  /** The CellDeployment's pods (from the cache). */
  pods: readonly V1Pod[];
  now: Date;
  signal: AbortSignal;
}

/**
 * The hooks the ReleaseOrder controller asks, by the moment it asks: the checks before, during and after a
 * batch, and the blue-green Service moves (`pin` the active Service to the old revision before the green set
 * comes up, `switch` it to the new one, `switchBack` on rollback), which answer like checks.
 */
export type CheckMoment = 'before' | 'during' | 'after' | 'pin' | 'switch' | 'switchBack';

/**
 * A hook's answer. `checks` are merged into status.checks (by name, kind and batch: a newer result replaces
 * the older one).
 *  - Passed: go on.
 *  - Blocked (before a batch): the batch does not start; the order shows Blocked and `message`; ask again after
 *    `retryAfterMs`.
 *  - Running (after a batch): the batch shows Checking; ask again after `retryAfterMs`.
 *  - Failed: the batch fails; `onFailure` Rollback starts a rollback, Pause pauses the order (spec.paused):
 *    a person decides — resume (the batch's checks run again), roll back, or change the template.
 */
export type CheckVerdict =
  | { result: 'Passed'; checks?: CheckResultT[] }
  | { result: 'Blocked'; message: string; retryAfterMs: number; checks?: CheckResultT[] }
  | { result: 'Running'; retryAfterMs: number; checks?: CheckResultT[] }
  | { result: 'Failed'; message: string; onFailure: 'Pause' | 'Rollback'; checks?: CheckResultT[] };

/**
 * The seam for release policies (pre-checks such as blackout windows, conflicts and parameters; post-checks
 * such as metric analysis): the ReleaseOrder controller asks `beforeBatch` before a batch starts and
 * `afterBatch` once its pods are all updated and ready. Hooks may do I/O; they should be quick (they run
 * inside a reconcile) and return Blocked/Running with a retry time rather than wait.
 */
export interface ReleaseChecks {
  beforeBatch(ctx: CheckContext): Promise<CheckVerdict>;
  /** Asked while a batch runs and some of its pods are Pending (e.g. stuck unschedulable). */
  duringBatch(ctx: CheckContext): Promise<CheckVerdict>;
  afterBatch(ctx: CheckContext): Promise<CheckVerdict>;
}

const PASSED: CheckVerdict = { result: 'Passed' };

/** No checks at all. */
export const noChecks: ReleaseChecks = {
  beforeBatch: () => Promise.resolve(PASSED),
  duringBatch: () => Promise.resolve(PASSED),
  afterBatch: () => Promise.resolve(PASSED),
};
