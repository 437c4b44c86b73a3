import type { V1Pod } from '@kubernetes/client-node';
import type { CellDeployment, ReleaseOrderStatusT } from '../../api/index.js';
import { clipMessage, setCondition, type Condition } from '../../kube/status.js';
import { gateStatus, isDeleting, isDraining, isReady, podName, podRevision } from '../pod/state.js';
import { batchState } from './batch-state.js';
import type { Emit, Say } from './progress-types.js';
import { rfc3339 } from '../../kube/clock.js';

type Status = ReleaseOrderStatusT;
type BatchT = NonNullable<Status['batches']>[number];
type StatusCondition = NonNullable<Status['conditions']>[number];

/** strategy.progressDeadlineSeconds when the CellDeployment does not say (stored before the field existed). */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 300;
export const STALLED = 'Stalled';

/** How long a running batch may go without progress before the order says it is stalled. */
export function progressDeadlineSeconds(cd: CellDeployment): number {
  return cd.spec.strategy?.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
}

/**
 * What a running batch has achieved: pods taken out of traffic, changed to the target revision, done. It
 * changes exactly when the release makes progress (a pod that moves one step).
 */
export function progressMark(b: BatchT, pods: readonly V1Pod[], to: string, targets: ReadonlyMap<string, number>): string {
  const names = new Set(b.pods);
  const mine = pods.filter((p) => names.has(podName(p)));
  const drained = mine.filter((p) => isDraining(p) || gateStatus(p) === 'False' || isDeleting(p)).length;
  const changed = mine.filter((p) => podRevision(p) === to).length;
  const st = batchState(b.pods, pods, to, targets);
  return `batch ${b.index + 1}: ${drained} out of traffic, ${changed} on revision ${to}, ${st.updated} done of ${b.pods.length}`;
}

/** Why a batch makes no progress, from its unfinished pods: a reason for the condition and the pods it names. */
export function stallCause(b: BatchT, pods: readonly V1Pod[], to: string, targets: ReadonlyMap<string, number>): { reason: string; detail: string } {
  const byName = new Map(pods.map((p) => [podName(p), p]));
  const notReady: string[] = [];
  const drained: string[] = [];
  const serving: string[] = [];
  for (const name of batchState(b.pods, pods, to, targets).pending) {
    const p = byName.get(name);
    if (!p) continue;
    const out = isDraining(p) || gateStatus(p) === 'False' || isDeleting(p);
    if (podRevision(p) === to && !isReady(p)) notReady.push(name);
    else if (out) drained.push(name);
    else serving.push(name);
  }
  const parts: string[] = [];
  if (notReady.length > 0) parts.push(`on revision ${to} but not Ready (out of traffic): ${notReady.join(', ')}`);
  if (drained.length > 0) parts.push(`out of traffic, waiting to be changed to revision ${to}: ${drained.join(', ')}`);
  if (serving.length > 0) parts.push(`waiting to be taken out of traffic (capacity, PodDisruptionBudget or pause): ${serving.join(', ')}`);
  if (parts.length === 0) parts.push('waiting for the replacement pods of the batch to be created');
  const reason = notReady.length > 0 ? 'PodsNotReady' : drained.length > 0 ? 'DrainedPodsNotChanged' : serving.length > 0 ? 'PodsNotDrained' : 'PodsMissing';
  return { reason, detail: parts.join('; ') };
}

function cond(status: 'True' | 'False', reason: string, message: string): Condition {
  return { type: STALLED, status, reason, message: clipMessage(message) };
}

function put(s: Status, c: Condition, now: Date): void {
  s.conditions = setCondition(s.conditions, c, now) as StatusCondition[];
}

function isStalled(s: Status): boolean {
  return (s.conditions ?? []).some((c) => c.type === STALLED && c.status === 'True');
}

/** Progress resumed (or the batch finished, or a pause stopped the clock): Stalled goes False if it was True. */
export function clearStall(s: Status, now: Date, why: string, say: Say, event: Emit): void {
  if (!isStalled(s)) return;
  const msg = `the release makes progress again: ${why}`;
  put(s, cond('False', 'ProgressResumed', msg), now);
  say('ProgressResumed', s.currentBatch, msg);
  event('ProgressResumed', msg);
}

export interface StallInput {
  s: Status;
  b: BatchT;
  cd: CellDeployment;
  pods: readonly V1Pod[];
  to: string;
  targets: ReadonlyMap<string, number>;
  now: Date;
  say: Say;
  event: Emit;
}

/**
 * Pure on `s`: watches a running, unfinished batch for progress. status.lastProgress keeps the last mark and
 * when it was reached (so a restarted controller, e.g. a manager that came back late, judges the same clock);
 * once progressDeadlineSeconds (plus the strategy's drainSeconds, a wait by design) pass without a new mark, the order gets Stalled=True naming the cause and the
 * pods, with a Warning Event; a new mark clears it. Returns when to look again (ms) while not stalled yet.
 */
export function watchProgress(x: StallInput): number | undefined {
  const { s, now } = x;
  const mark = progressMark(x.b, x.pods, x.to, x.targets);
  // A pod waits drainSeconds out of traffic by design: that wait is not a stall.
  const drainSeconds = x.cd.spec.strategy?.drainSeconds ?? 0;
  const deadlineMs = (progressDeadlineSeconds(x.cd) + drainSeconds) * 1000;
  const since = Date.parse(s.lastProgress?.at ?? '');
  if (s.lastProgress?.mark !== mark || Number.isNaN(since)) {
    s.lastProgress = { mark, at: rfc3339(now) };
    clearStall(s, now, mark, x.say, x.event);
    return deadlineMs;
  }
  const left = since + deadlineMs - now.getTime();
  if (left > 0) return left;
  if (isStalled(s)) return undefined;
  const cause = stallCause(x.b, x.pods, x.to, x.targets);
  const limits = `strategy.progressDeadlineSeconds ${progressDeadlineSeconds(x.cd)} + drainSeconds ${drainSeconds}`;
  const msg = `no progress for ${Math.round((now.getTime() - since) / 1000)}s (${limits}) in batch ${x.b.index + 1}: ${cause.detail}`;
  put(s, cond('True', cause.reason, msg), now);
  x.say('Stalled', x.b.index, msg);
  x.event(STALLED, `${cause.reason}: ${msg}`, 'Warning');
  return undefined;
}
