import type { ReleaseOrderStatusT } from '../../api/index.js';
import { appendHistory, historyEntry, planBatches, podOrderValue, podPriority, SYSTEM_ACTOR, unitTargets } from '../plan/index.js';
import { isDeleting, isReady, podName, podRevision, podUnit } from '../pod/state.js';
import { batchState, podDone, unitsFull } from './batch-state.js';
import { isBlueGreen, podsUnderChange, scaleDownDelaySeconds, setComplete, switchedAt } from './bluegreen.js';
import { blueGreenRollback } from './bluegreen-rollback.js';
import type { CheckMoment, CheckResultT, CheckVerdict } from './checks.js';
import { imageCheckResult, IMAGES_VALID, invalidImages } from './image-guard.js';
import { verdictKey, type Emit, type ProgressInput, type ProgressOutput, type Say } from './progress-types.js';
import { clearStall, watchProgress } from './stall.js';
import { setCondition } from '../../kube/status.js';
import { batchBeingRolledBack } from '../rollback-batch.js';
import { rfc3339 } from '../../kube/clock.js';
import { errorMessage } from '../../errors/index.js';

type Status = ReleaseOrderStatusT;
type BatchT = NonNullable<Status['batches']>[number];
type Phase = NonNullable<Status['phase']>;
type StatusCondition = NonNullable<Status['conditions']>[number];

export { verdictKey, type Emit, type OrderEvent, type ProgressInput, type ProgressOutput, type Say } from './progress-types.js';

/**
 * Pure: the next status of a ReleaseOrder. The order's decisions, in order:
 *  1. not the newest order of its CellDeployment: Superseded (history names the newer one);
 *  2. no batches yet: plan them once with planBatches (pods not on toRevision) and store them — never again;
 *  3. rollback (spec.rollback, or a failed check asking for it): started batches return to fromRevision, the
 *     latest first, then any remaining pod (the sweep); RolledBack when every pod is back and ready;
 *  4. forward: the first batch not Succeeded runs when allowed — paused (order or CellDeployment) holds it;
 *     with needConfirm, batch i (0-based) starts once spec.confirmedBatches >= i (so batch 0, the beta when
 *     set, starts at once, and confirming k lets batch k start); without needConfirm, pauseSeconds after the
 *     previous batch finished; then an image that is not a valid reference fails the order (no pod changed),
 *     then the before-batch checks. A running batch succeeds when all its pods are done (on toRevision, Ready,
 *     gate True) and the after-batch checks passed. Completed after the last one.
 * A running batch (forward or rolled back) without progress for progressDeadlineSeconds is marked Stalled
 * (stall.ts). status.batch counts the current batch from 1 for people.
 * Every decision is appended to status.history with by system:plinth.
 */
export function progress(input: ProgressInput): ProgressOutput {
  const out = decide(input);
  labelBatch(out.status);
  return out;
}

/**
 * status.batch, for people (kubectl get's Batch column, like the CLI): the current batch counted from 1, of
 * the planned batches, e.g. "2/5". status.currentBatch and the batches' index stay 0-based (spec.confirmedBatches
 * counts from them).
 */
function labelBatch(s: Status): void {
  const n = s.batches?.length ?? 0;
  if (n === 0 || s.currentBatch === undefined) delete s.batch;
  else s.batch = `${s.currentBatch + 1}/${n}`;
}

function decide(input: ProgressInput): ProgressOutput {
  const { order, now } = input;
  const out: ProgressOutput = { status: structuredClone(order.status ?? {}), events: [] };
  const s = out.status;
  s.observedGeneration = order.metadata.generation;
  const prevPhase: Phase = s.phase ?? 'Pending';
  const say = (action: string, batch?: number, message?: string): void => {
    s.history = appendHistory(s.history, historyEntry(now, SYSTEM_ACTOR, action, { ...(batch !== undefined ? { batch } : {}), ...(message !== undefined ? { message } : {}) }));
  };
  const event = (reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): void => {
    out.events.push({ type, reason, message });
  };

  if (input.newer) {
    if (!['Superseded', 'Completed', 'RolledBack', 'Failed'].includes(prevPhase)) {
      s.phase = 'Superseded';
      const msg = `superseded by ${input.newer.name} (revision ${input.newer.toRevision}): the template changed during the release`;
      say('Superseded', s.currentBatch, msg);
      event('Superseded', msg);
    }
    return out;
  }
  if (prevPhase === 'Superseded' || prevPhase === 'RolledBack') return out;

  if (!s.batches) {
    if (!plan(input, s, say, event)) return out;
  }
  const rollbackRequested = order.spec.rollback === true;
  if (rollbackRequested && prevPhase !== 'RollingBack') {
    s.phase = 'RollingBack';
    const msg = `rollback requested: every updated pod returns to revision ${order.spec.fromRevision}`;
    say('RollbackStarted', undefined, msg);
    event('RollbackStarted', msg, 'Warning');
    clearStall(s, now, 'rolling back', say, event);
  }
  if (s.phase === 'RollingBack') return isBlueGreen(input.cd) ? blueGreenRollback(input, out, say, event) : rollback(input, out, say, event);
  if (prevPhase === 'Failed' || prevPhase === 'Completed') return out;
  return forward(input, out, prevPhase, say, event);
}

function plan(input: ProgressInput, s: Status, say: Say, event: Emit): boolean {
  const { cd, order } = input;
  const strategy = cd.spec.strategy;
  const candidates = input.pods
    .filter((p) => !isDeleting(p) && podRevision(p) !== order.spec.toRevision)
    .map((p) => ({
      name: podName(p),
      unit: podUnit(p),
      ready: isReady(p),
      priority: podPriority(strategy?.priority, p.metadata?.labels),
      order: podOrderValue(strategy?.priority, p.metadata?.labels),
    }));
  try {
    const batches = planBatches({
      pods: candidates,
      units: cd.spec.topology.units,
      // Blue-green: one batch, the whole blue set (a full green set replaces it at once).
      beta: isBlueGreen(cd) ? false : (strategy?.beta ?? false),
      batchSize: isBlueGreen(cd) ? Math.max(1, candidates.length) : (strategy?.batchSize ?? 1),
      replicas: cd.spec.replicas,
      orderDirection: strategy?.priority?.orderDirection,
    });
    s.batches = batches.map((b): BatchT => ({ index: b.index, pods: b.pods, units: b.units, phase: 'Pending' }));
    s.currentBatch = 0;
    s.phase = 'Progressing';
    const msg = `${candidates.length} pod(s) from revision ${order.spec.fromRevision || '(none)'} to ${order.spec.toRevision} in ${batches.length} batch(es)${strategy?.beta ? ', beta first' : ''}${strategy?.needConfirm ? ', each confirmed' : ''}`;
    say('Planned', undefined, msg);
    event('Planned', msg);
    const single = singleUnitBeta(input);
    if (single) event('BetaInOneUnit', single, 'Warning');
    return true;
  } catch (err) {
    s.phase = 'Failed';
    const msg = `cannot plan the release: ${errorMessage(err)}`;
    say('Failed', undefined, msg);
    event('PlanFailed', msg, 'Warning');
    return false;
  }
}

/**
 * strategy.beta with one unit: the beta batch is one pod of that unit, which says nothing about the other
 * units it exists to test (a beta batch is one pod in every unit). Said once, at planning, as a Warning.
 */
function singleUnitBeta(input: ProgressInput): string | undefined {
  const { cd } = input;
  if (isBlueGreen(cd) || cd.spec.strategy?.beta !== true || cd.spec.topology.units.length !== 1) return undefined;
  const unit = cd.spec.topology.units[0] ?? '';
  return `strategy.beta is true but topology.units lists one unit (${unit}): the beta batch is a single pod of ${unit}, not one pod in every unit; list more units or set beta false`;
}

function pausedBy(input: ProgressInput): string | undefined {
  if (input.order.spec.paused) return 'spec.paused is true on the ReleaseOrder';
  if (input.cd.spec.paused) return 'spec.paused is true on the CellDeployment';
  return undefined;
}

/** What the forward steps share while they decide one reconcile of an order moving to toRevision. */
interface Forward {
  input: ProgressInput;
  out: ProgressOutput;
  s: Status;
  batches: BatchT[];
  /** The phase the order had before this step (a resumed or succeeded batch moves it on). */
  prevPhase: Phase;
  /** Why the order is paused, if it is. */
  paused: string | undefined;
  say: Say;
  event: Emit;
}

/** A step's answer: look at the first unfinished batch again, or this is the decision. */
const AGAIN = 'again';
type Next = typeof AGAIN | ProgressOutput;

/**
 * The forward course: the first batch not Succeeded decides. A failed one may be resumed; a pending one starts
 * when allowed; a running one succeeds when its pods are done and the after-batch checks pass. After a batch
 * succeeded or resumed, the next one is looked at in the same reconcile.
 */
function forward(input: ProgressInput, out: ProgressOutput, prevPhase: Phase, say: Say, event: Emit): ProgressOutput {
  const f: Forward = { input, out, s: out.status, batches: out.status.batches ?? [], prevPhase, paused: pausedBy(input), say, event };
  for (;;) {
    const b = f.batches.find((x) => x.phase !== 'Succeeded');
    if (!b) return afterLastBatch(f);
    f.s.currentBatch = b.index;
    let next: Next;
    if (b.phase === 'Failed') next = resumeFailedBatch(f, b);
    else if (b.phase === 'Pending' || b.phase === 'WaitingForConfirm') next = startBatchWhenAllowed(f, b);
    else next = finishBatchWhenDone(f, b);
    if (next !== AGAIN) return next;
  }
}

/** Sets the phase, recording a pause or a resume when it starts or ends. */
function setPhase(f: Forward, phase: Phase): void {
  const { s, paused } = f;
  if (f.prevPhase === 'Paused' && phase !== 'Paused' && !paused) f.say('Resumed', s.currentBatch, 'spec.paused is false again');
  if (phase === 'Paused' && f.prevPhase !== 'Paused') {
    f.say('Paused', s.currentBatch, `${paused ?? 'paused'}: no pod starts changing until it is false`);
    f.event('Paused', paused ?? 'paused');
  }
  s.phase = phase;
}

/** Asks a hook for its verdict on batch `b` (out.needs) unless it answered already. */
function verdictOf(f: Forward, check: CheckMoment, b: BatchT): CheckVerdict | undefined {
  const v = f.input.verdicts?.get(verdictKey(check, b.index));
  if (!v) f.out.needs = { check, batch: b.index };
  return v;
}

/** Every batch succeeded: Completed — except a blue-green release, whose blue set stays a while after the switch. */
function afterLastBatch(f: Forward): ProgressOutput {
  const { input, s } = f;
  const { cd, order } = input;
  if (isBlueGreen(cd) && input.pods.some((p) => podRevision(p) === order.spec.fromRevision)) return waitForBlueScaleDown(f);
  s.phase = 'Completed';
  s.currentBatch = f.batches.length > 0 ? f.batches.length - 1 : 0;
  const n = f.batches.reduce((a, x) => a + x.pods.length, 0);
  if (f.prevPhase !== 'Completed') {
    const msg = `${n} pod(s) run revision ${order.spec.toRevision}`;
    f.say('Completed', undefined, msg);
    f.event('Completed', msg);
  }
  return f.out;
}

/** Switched: the blue set stays for scaleDownDelaySeconds, then the CellDeployment controller removes it. */
function waitForBlueScaleDown(f: Forward): ProgressOutput {
  const { cd, order, now } = f.input;
  const at = switchedAt({ ...order, status: f.s });
  const left = at === undefined ? 0 : at + scaleDownDelaySeconds(cd) * 1000 - now.getTime();
  f.s.phase = 'Progressing';
  if (left > 0) f.out.requeueAfterMs = left;
  return f.out;
}

/**
 * Failed checks with onFailure Pause: the order stays Paused until a person resumes it (spec.paused false
 * again), then the failed batch's checks run again; or rolls it back.
 */
function resumeFailedBatch(f: Forward, b: BatchT): Next {
  if (f.paused) {
    f.s.phase = 'Paused';
    return f.out;
  }
  b.phase = b.startedAt !== undefined ? 'Checking' : 'Pending';
  delete b.finishedAt;
  const msg = `resumed after a failed check: the checks of batch ${b.index + 1} run again`;
  f.say('Resumed', b.index, msg);
  f.event('Resumed', msg);
  f.prevPhase = 'Progressing';
  return AGAIN;
}

/** A pending batch starts once nothing holds it, its images are valid and the before-batch checks (and the blue-green pin) pass. */
function startBatchWhenAllowed(f: Forward, b: BatchT): Next {
  const held = holdWhilePaused(f) ?? waitForConfirmation(f, b) ?? waitBetweenBatches(f, b);
  if (held) return held;
  const bad = invalidImages(f.input.cd);
  if (bad !== undefined) return refuseInvalidImages(f, b, bad);
  const before = verdictOf(f, 'before', b);
  if (!before) return f.out;
  mergeChecks(f.s, before.checks);
  if (before.result === 'Blocked') return blockBatch(f, b, before);
  if (before.result === 'Failed') return fail(f.input, f.out, b, before, f.say, f.event);
  if (isBlueGreen(f.input.cd)) {
    const pin = verdictOf(f, 'pin', b);
    if (!pin) return f.out;
    if (pin.result === 'Failed') return fail(f.input, f.out, b, pin, f.say, f.event);
  }
  return startBatch(f, b);
}

function holdWhilePaused(f: Forward): ProgressOutput | undefined {
  if (!f.paused) return undefined;
  setPhase(f, 'Paused');
  return f.out;
}

/** With needConfirm, batch i (0-based) waits until spec.confirmedBatches >= i; batch 0 (the beta) starts at once. */
function waitForConfirmation(f: Forward, b: BatchT): ProgressOutput | undefined {
  const strategy = f.input.cd.spec.strategy;
  if (!strategy?.needConfirm || b.index === 0 || f.input.order.spec.confirmedBatches >= b.index) return undefined;
  if (b.phase !== 'WaitingForConfirm') {
    b.phase = 'WaitingForConfirm';
    const msg = `batch ${b.index + 1} of ${f.batches.length} waits: set spec.confirmedBatches to ${b.index} to start it`;
    f.say('WaitingForConfirm', b.index, msg);
    f.event('WaitingForConfirm', msg);
  }
  setPhase(f, 'WaitingForConfirm');
  return f.out;
}

/** Without needConfirm: pauseSeconds after the previous batch finished. */
function waitBetweenBatches(f: Forward, b: BatchT): ProgressOutput | undefined {
  const strategy = f.input.cd.spec.strategy;
  const pause = strategy?.pauseSeconds ?? 0;
  if (strategy?.needConfirm || pause <= 0 || b.index === 0) return undefined;
  const prev = f.batches.find((x) => x.index === b.index - 1)?.finishedAt;
  const left = prev ? Date.parse(prev) + pause * 1000 - f.input.now.getTime() : 0;
  if (left <= 0) return undefined;
  setPhase(f, 'Progressing');
  f.out.requeueAfterMs = left;
  return f.out;
}

/** An image that is not a valid reference: the order fails before any pod of the batch is taken out of traffic. */
function refuseInvalidImages(f: Forward, b: BatchT, problem: string): ProgressOutput {
  const { s, input } = f;
  const msg = `no pod was changed: an image of the template is not a valid reference (${problem}); fix spec.template of CellDeployment ${input.cd.metadata.name ?? ''}, which starts a new release`;
  s.phase = 'Failed';
  mergeChecks(s, [imageCheckResult(b.index, input.now, problem)]);
  s.conditions = setCondition(s.conditions, { type: IMAGES_VALID, status: 'False', reason: 'InvalidImageReference', message: msg }, input.now) as StatusCondition[];
  f.say('Failed', b.index, msg);
  f.event('InvalidImageReference', msg, 'Warning');
  return f.out;
}

function blockBatch(f: Forward, b: BatchT, before: Extract<CheckVerdict, { result: 'Blocked' }>): ProgressOutput {
  if (f.prevPhase !== 'Blocked') {
    f.say('Blocked', b.index, before.message);
    f.event('Blocked', before.message, 'Warning');
  }
  f.s.phase = 'Blocked';
  f.out.requeueAfterMs = before.retryAfterMs;
  return f.out;
}

function startBatch(f: Forward, b: BatchT): ProgressOutput {
  const { order, now, cd } = f.input;
  b.phase = 'Running';
  b.startedAt = rfc3339(now);
  setPhase(f, 'Progressing');
  const confirmed = cd.spec.strategy?.needConfirm && b.index > 0 ? ` (confirmed: spec.confirmedBatches=${order.spec.confirmedBatches})` : '';
  const msg = `batch ${b.index + 1} of ${f.batches.length} started: ${b.pods.length} pod(s) in ${(b.units ?? []).join(', ') || 'no unit'}${confirmed}`;
  f.say('BatchStarted', b.index, msg);
  f.event('BatchStarted', msg);
  return f.out;
}

/** A running (or checking) batch: its pods must be done, then the after-batch checks pass (and a blue-green switch). */
function finishBatchWhenDone(f: Forward, b: BatchT): Next {
  const { input } = f;
  const { cd, order } = input;
  const to = order.spec.toRevision;
  const targets = unitTargets(cd.spec);
  setPhase(f, f.paused ? 'Paused' : 'Progressing');
  const batchDone = isBlueGreen(cd) ? setComplete(input.pods, to, targets) : batchState(b.pods, input.pods, to, targets).done;
  if (!batchDone) return watchUnfinishedBatch(f, b);
  const after = verdictOf(f, 'after', b);
  if (!after) return f.out;
  mergeChecks(f.s, after.checks);
  if (after.result === 'Running' || after.result === 'Blocked') {
    b.phase = 'Checking';
    f.out.requeueAfterMs = after.retryAfterMs;
    return f.out;
  }
  if (after.result === 'Failed') return fail(input, f.out, b, after, f.say, f.event);
  if (isBlueGreen(cd)) {
    const switched = switchActiveService(f, b);
    if (switched) return switched;
  }
  b.phase = 'Succeeded';
  b.finishedAt = rfc3339(input.now);
  clearStall(f.s, input.now, `batch ${b.index + 1} succeeded`, f.say, f.event);
  const msg = `batch ${b.index + 1} of ${f.batches.length} succeeded: ${b.pods.length} pod(s) on revision ${to}`;
  f.say('BatchSucceeded', b.index, msg);
  f.event('BatchSucceeded', msg);
  f.prevPhase = f.s.phase ?? f.prevPhase;
  return AGAIN;
}

/** Blue-green: the active Service moves to the green set (hook `switch`); undefined once it has. */
function switchActiveService(f: Forward, b: BatchT): ProgressOutput | undefined {
  const { cd, order } = f.input;
  const moved = verdictOf(f, 'switch', b);
  if (!moved) return f.out;
  if (moved.result === 'Failed') return fail(f.input, f.out, b, moved, f.say, f.event);
  const svc = cd.spec.strategy?.blueGreen?.activeService ?? '';
  const msg = `Service ${svc} switched to revision ${order.spec.toRevision}; revision ${order.spec.fromRevision} stays ${scaleDownDelaySeconds(cd)}s for a switch back`;
  f.say('Switched', b.index, msg);
  f.event('Switched', msg);
  return undefined;
}

/**
 * A batch whose pods are not all done: watch it for progress (Stalled after progressDeadlineSeconds without
 * any, unless paused), and when some of its pods are Pending (unschedulable, image not pulled…) ask the
 * during-batch hook whether they have been stuck too long (release policy pendingTimeoutSeconds).
 */
function watchUnfinishedBatch(f: Forward, b: BatchT): ProgressOutput {
  const { input, s, out } = f;
  const { cd, order } = input;
  if (f.paused) {
    clearStall(s, input.now, f.paused, f.say, f.event);
    delete s.lastProgress;
    return out;
  }
  const to = order.spec.toRevision;
  const stallIn = isBlueGreen(cd) ? undefined : watchProgress({ s, b, cd, pods: input.pods, to, targets: unitTargets(cd.spec), now: input.now, say: f.say, event: f.event });
  const names = new Set(podsUnderChange(cd, order, b.pods, input.pods));
  const pending = input.pods.some((p) => names.has(podName(p)) && !isDeleting(p) && (p.status?.phase ?? 'Pending') === 'Pending');
  if (pending) {
    const during = verdictOf(f, 'during', b);
    if (!during) return out;
    mergeChecks(s, during.checks);
    if (during.result === 'Failed') return fail(input, out, b, during, f.say, f.event);
    if (during.result === 'Running' || during.result === 'Blocked') out.requeueAfterMs = during.retryAfterMs;
  }
  if (stallIn !== undefined) out.requeueAfterMs = Math.min(out.requeueAfterMs ?? Infinity, stallIn);
  return out;
}

function fail(input: ProgressInput, out: ProgressOutput, b: BatchT, v: Extract<CheckVerdict, { result: 'Failed' }>, say: Say, event: Emit): ProgressOutput {
  const s = out.status;
  b.phase = 'Failed';
  b.finishedAt = rfc3339(input.now);
  say('CheckFailed', b.index, v.message);
  event('CheckFailed', v.message, 'Warning');
  if (v.onFailure === 'Rollback') {
    s.phase = 'RollingBack';
    const msg = `a check failed: every updated pod returns to revision ${input.order.spec.fromRevision}`;
    say('RollbackStarted', undefined, msg);
    event('RollbackStarted', msg, 'Warning');
    return isBlueGreen(input.cd) ? blueGreenRollback(input, out, say, event) : rollback(input, out, say, event);
  }
  s.phase = 'Paused';
  out.pauseOrder = true;
  const msg = `paused after a failed check: resume to run the checks of batch ${b.index + 1} again, or roll back`;
  say('Paused', b.index, msg);
  event('Paused', msg, 'Warning');
  return out;
}

function rollback(input: ProgressInput, out: ProgressOutput, say: Say, event: Emit): ProgressOutput {
  const { cd, order, now } = input;
  const s = out.status;
  const batches = s.batches ?? [];
  const targets = unitTargets(cd.spec);
  const from = order.spec.fromRevision;
  for (;;) {
    const b = batchBeingRolledBack(batches);
    if (!b) break;
    s.currentBatch = b.index;
    if (!batchState(b.pods, input.pods, from, targets).done) {
      // The batch being rolled back is watched for progress like a forward batch.
      const stallIn = watchProgress({ s, b, cd, pods: input.pods, to: from, targets, now, say, event });
      if (stallIn !== undefined) out.requeueAfterMs = stallIn;
      return out;
    }
    b.phase = 'RolledBack';
    b.finishedAt = rfc3339(now);
    clearStall(s, now, `batch ${b.index + 1} rolled back`, say, event);
    const msg = `batch ${b.index + 1} of ${batches.length} rolled back to revision ${from}`;
    say('BatchRolledBack', b.index, msg);
    event('BatchRolledBack', msg);
  }
  const live = input.pods.filter((p) => !isDeleting(p));
  const allBack = live.every((p) => podDone(p, from)) && unitsFull(input.pods, targets) && input.pods.every((p) => !isDeleting(p));
  if (!allBack) return out;
  s.phase = 'RolledBack';
  const msg = `every pod runs revision ${from} again`;
  say('RolledBack', undefined, msg);
  event('RolledBack', msg);
  return out;
}

function mergeChecks(s: Status, checks: readonly CheckResultT[] | undefined): void {
  if (!checks || checks.length === 0) return;
  const list = [...(s.checks ?? [])];
  for (const c of checks) {
    const i = list.findIndex((x) => x.name === c.name && x.kind === c.kind && x.batch === c.batch);
    if (i >= 0) list[i] = c;
    else list.push(c);
  }
  s.checks = list.slice(-100);
}

