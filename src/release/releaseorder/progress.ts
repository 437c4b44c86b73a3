import type { V1Pod } from '@kubernetes/client-node';
import type { CellDeployment, ReleaseOrder, ReleaseOrderStatusT } from '../../api/index.js';
import { appendHistory, historyEntry, planBatches, SYSTEM_ACTOR, unitTargets } from '../plan/index.js';
import { isDeleting, isReady, podName, podRevision, podUnit } from '../pod/state.js';
import { batchState, podDone, unitsFull } from './batch-state.js';
import { isBlueGreen, podsUnderChange, scaleDownDelaySeconds, setComplete, switchedAt } from './bluegreen.js';
import { blueGreenRollback } from './bluegreen-rollback.js';
import type { CheckMoment, CheckResultT, CheckVerdict } from './checks.js';

type Status = ReleaseOrderStatusT;
type BatchT = NonNullable<Status['batches']>[number];
type Phase = NonNullable<Status['phase']>;

export interface ProgressInput {
  order: ReleaseOrder;
  cd: CellDeployment;
  /** The newest order of the CellDeployment (undefined: this is it). */
  newer: { name: string; toRevision: string } | undefined;
  /** The CellDeployment's pods. */
  pods: readonly V1Pod[];
  now: Date;
  /** Answers of the check hooks, once asked (see `needs`), by {@link verdictKey}. */
  verdicts?: ReadonlyMap<string, CheckVerdict>;
}

/** The key of a check hook's verdict in ProgressInput.verdicts. */
export function verdictKey(check: CheckMoment, batch: number): string {
  return `${check}:${batch}`;
}

export interface OrderEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface ProgressOutput {
  status: Status;
  /** Come back after this long (pauseSeconds, a blocked or running check). */
  requeueAfterMs?: number;
  events: OrderEvent[];
  /** A check hook must answer first: call it and run progress again with its verdict. */
  needs?: { check: CheckMoment; batch: number };
  /** A check failed with onFailure Pause: set the order's spec.paused (resuming runs the checks again). */
  pauseOrder?: boolean;
}

/**
 * Pure: the next status of a ReleaseOrder. The order's decisions, in order:
 *  1. not the newest order of its CellDeployment: Superseded (history names the newer one);
 *  2. no batches yet: plan them once with planBatches (pods not on toRevision) and store them — never again;
 *  3. rollback (spec.rollback, or a failed check asking for it): started batches return to fromRevision, the
 *     latest first, then any remaining pod (the sweep); RolledBack when every pod is back and ready;
 *  4. forward: the first batch not Succeeded runs when allowed — paused (order or CellDeployment) holds it;
 *     with needConfirm, batch i (0-based) starts once spec.confirmedBatches >= i (so batch 0, the beta when
 *     set, starts at once, and confirming k lets batch k start); without needConfirm, pauseSeconds after the
 *     previous batch finished; then the before-batch checks. A running batch succeeds when all its pods are
 *     done (on toRevision, Ready, gate True) and the after-batch checks passed. Completed after the last one.
 * Every decision is appended to status.history with by system:plinth.
 */
export function progress(input: ProgressInput): ProgressOutput {
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
  }
  if (s.phase === 'RollingBack') return isBlueGreen(input.cd) ? blueGreenRollback(input, out, say, event) : rollback(input, out, say, event);
  if (prevPhase === 'Failed' || prevPhase === 'Completed') return out;
  return forward(input, out, prevPhase, say, event);
}

export type Say = (action: string, batch?: number, message?: string) => void;
export type Emit = (reason: string, message: string, type?: 'Normal' | 'Warning') => void;

function plan(input: ProgressInput, s: Status, say: Say, event: Emit): boolean {
  const { cd, order } = input;
  const strategy = cd.spec.strategy;
  const candidates = input.pods
    .filter((p) => !isDeleting(p) && podRevision(p) !== order.spec.toRevision)
    .map((p) => ({ name: podName(p), unit: podUnit(p), ready: isReady(p) }));
  try {
    const batches = planBatches({
      pods: candidates,
      units: cd.spec.topology.units,
      // Blue-green: one batch, the whole blue set (a full green set replaces it at once).
      beta: isBlueGreen(cd) ? false : (strategy?.beta ?? false),
      batchSize: isBlueGreen(cd) ? Math.max(1, candidates.length) : (strategy?.batchSize ?? 1),
      replicas: cd.spec.replicas,
    });
    s.batches = batches.map((b): BatchT => ({ index: b.index, pods: b.pods, units: b.units, phase: 'Pending' }));
    s.currentBatch = 0;
    s.phase = 'Progressing';
    const msg = `${candidates.length} pod(s) from revision ${order.spec.fromRevision || '(none)'} to ${order.spec.toRevision} in ${batches.length} batch(es)${strategy?.beta ? ', beta first' : ''}${strategy?.needConfirm ? ', each confirmed' : ''}`;
    say('Planned', undefined, msg);
    event('Planned', msg);
    return true;
  } catch (err) {
    s.phase = 'Failed';
    const msg = `cannot plan the release: ${err instanceof Error ? err.message : String(err)}`;
    say('Failed', undefined, msg);
    event('PlanFailed', msg, 'Warning');
    return false;
  }
}

function pausedBy(input: ProgressInput): string | undefined {
  if (input.order.spec.paused) return 'spec.paused is true on the ReleaseOrder';
  if (input.cd.spec.paused) return 'spec.paused is true on the CellDeployment';
  return undefined;
}

function forward(input: ProgressInput, out: ProgressOutput, prevPhase: Phase, say: Say, event: Emit): ProgressOutput {
  const { cd, order, now } = input;
  const s = out.status;
  const batches = s.batches ?? [];
  const strategy = cd.spec.strategy;
  const targets = unitTargets(cd.spec);
  const to = order.spec.toRevision;
  const paused = pausedBy(input);
  const setPhase = (phase: Phase): void => {
    if (prevPhase === 'Paused' && phase !== 'Paused' && !paused) say('Resumed', s.currentBatch, 'spec.paused is false again');
    if (phase === 'Paused' && prevPhase !== 'Paused') {
      say('Paused', s.currentBatch, `${paused ?? 'paused'}: no pod starts changing until it is false`);
      event('Paused', paused ?? 'paused');
    }
    s.phase = phase;
  };

  for (;;) {
    const b = batches.find((x) => x.phase !== 'Succeeded');
    if (!b && isBlueGreen(cd) && input.pods.some((p) => podRevision(p) === order.spec.fromRevision)) {
      // Switched: the blue set stays for scaleDownDelaySeconds, then the CellDeployment controller removes it.
      const at = switchedAt({ ...order, status: s });
      const left = at === undefined ? 0 : at + scaleDownDelaySeconds(cd) * 1000 - now.getTime();
      s.phase = 'Progressing';
      if (left > 0) out.requeueAfterMs = left;
      return out;
    }
    if (!b) {
      s.phase = 'Completed';
      s.currentBatch = batches.length > 0 ? batches.length - 1 : 0;
      const n = batches.reduce((a, x) => a + x.pods.length, 0);
      if (prevPhase !== 'Completed') {
        const msg = `${n} pod(s) run revision ${to}`;
        say('Completed', undefined, msg);
        event('Completed', msg);
      }
      return out;
    }
    s.currentBatch = b.index;
    if (b.phase === 'Failed') {
      // Failed checks with onFailure Pause: the order stays Paused until a person resumes it (spec.paused
      // false again), then the failed batch's checks run again; or rolls it back.
      if (paused) {
        s.phase = 'Paused';
        return out;
      }
      b.phase = b.startedAt !== undefined ? 'Checking' : 'Pending';
      delete b.finishedAt;
      const msg = `resumed after a failed check: the checks of batch ${b.index + 1} run again`;
      say('Resumed', b.index, msg);
      event('Resumed', msg);
      prevPhase = 'Progressing';
      continue;
    }
    if (b.phase === 'Pending' || b.phase === 'WaitingForConfirm') {
      if (paused) {
        setPhase('Paused');
        return out;
      }
      if (strategy?.needConfirm && b.index > 0 && order.spec.confirmedBatches < b.index) {
        if (b.phase !== 'WaitingForConfirm') {
          b.phase = 'WaitingForConfirm';
          const msg = `batch ${b.index + 1} of ${batches.length} waits: set spec.confirmedBatches to ${b.index} to start it`;
          say('WaitingForConfirm', b.index, msg);
          event('WaitingForConfirm', msg);
        }
        setPhase('WaitingForConfirm');
        return out;
      }
      if (!strategy?.needConfirm && (strategy?.pauseSeconds ?? 0) > 0 && b.index > 0) {
        const prev = batches.find((x) => x.index === b.index - 1)?.finishedAt;
        const left = prev ? Date.parse(prev) + (strategy?.pauseSeconds ?? 0) * 1000 - now.getTime() : 0;
        if (left > 0) {
          setPhase('Progressing');
          out.requeueAfterMs = left;
          return out;
        }
      }
      const before = input.verdicts?.get(verdictKey('before', b.index));
      if (!before) {
        out.needs = { check: 'before', batch: b.index };
        return out;
      }
      mergeChecks(s, before.checks);
      if (before.result === 'Blocked') {
        if (prevPhase !== 'Blocked') {
          say('Blocked', b.index, before.message);
          event('Blocked', before.message, 'Warning');
        }
        s.phase = 'Blocked';
        out.requeueAfterMs = before.retryAfterMs;
        return out;
      }
      if (before.result === 'Failed') return fail(input, out, b, before, say, event);
      if (isBlueGreen(cd)) {
        const pin = input.verdicts?.get(verdictKey('pin', b.index));
        if (!pin) {
          out.needs = { check: 'pin', batch: b.index };
          return out;
        }
        if (pin.result === 'Failed') return fail(input, out, b, pin, say, event);
      }
      b.phase = 'Running';
      b.startedAt = stamp(now);
      setPhase('Progressing');
      const confirmed = strategy?.needConfirm && b.index > 0 ? ` (confirmed: spec.confirmedBatches=${order.spec.confirmedBatches})` : '';
      const msg = `batch ${b.index + 1} of ${batches.length} started: ${b.pods.length} pod(s) in ${(b.units ?? []).join(', ') || 'no unit'}${confirmed}`;
      say('BatchStarted', b.index, msg);
      event('BatchStarted', msg);
      return out;
    }
    // Running or Checking
    setPhase(paused ? 'Paused' : 'Progressing');
    const batchDone = isBlueGreen(cd) ? setComplete(input.pods, to, targets) : batchState(b.pods, input.pods, to, targets).done;
    if (!batchDone) {
      // Pods of the batch that are Pending (unschedulable, image not pulled…): the during-batch hook decides
      // whether they have been stuck too long (release policy pendingTimeoutSeconds).
      const names = new Set(podsUnderChange(cd, order, b.pods, input.pods));
      const pending = input.pods.some((p) => names.has(podName(p)) && !isDeleting(p) && (p.status?.phase ?? 'Pending') === 'Pending');
      if (!pending || paused) return out;
      const during = input.verdicts?.get(verdictKey('during', b.index));
      if (!during) {
        out.needs = { check: 'during', batch: b.index };
        return out;
      }
      mergeChecks(s, during.checks);
      if (during.result === 'Failed') return fail(input, out, b, during, say, event);
      if (during.result === 'Running' || during.result === 'Blocked') out.requeueAfterMs = during.retryAfterMs;
      return out;
    }
    const after = input.verdicts?.get(verdictKey('after', b.index));
    if (!after) {
      out.needs = { check: 'after', batch: b.index };
      return out;
    }
    mergeChecks(s, after.checks);
    if (after.result === 'Running' || after.result === 'Blocked') {
      b.phase = 'Checking';
      out.requeueAfterMs = after.retryAfterMs;
      return out;
    }
    if (after.result === 'Failed') return fail(input, out, b, after, say, event);
    if (isBlueGreen(cd)) {
      const moved = input.verdicts?.get(verdictKey('switch', b.index));
      if (!moved) {
        out.needs = { check: 'switch', batch: b.index };
        return out;
      }
      if (moved.result === 'Failed') return fail(input, out, b, moved, say, event);
      const svc = cd.spec.strategy?.blueGreen?.activeService ?? '';
      const msg = `Service ${svc} switched to revision ${to}; revision ${order.spec.fromRevision} stays ${scaleDownDelaySeconds(cd)}s for a switch back`;
      say('Switched', b.index, msg);
      event('Switched', msg);
    }
    b.phase = 'Succeeded';
    b.finishedAt = stamp(now);
    const msg = `batch ${b.index + 1} of ${batches.length} succeeded: ${b.pods.length} pod(s) on revision ${to}`;
    say('BatchSucceeded', b.index, msg);
    event('BatchSucceeded', msg);
    prevPhase = s.phase ?? prevPhase;
  }
}

function fail(input: ProgressInput, out: ProgressOutput, b: BatchT, v: Extract<CheckVerdict, { result: 'Failed' }>, say: Say, event: Emit): ProgressOutput {
  const s = out.status;
  b.phase = 'Failed';
  b.finishedAt = stamp(input.now);
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
    const started = batches.filter((b) => b.startedAt !== undefined && b.phase !== 'RolledBack' && b.phase !== 'Pending').sort((a, b) => b.index - a.index);
    const b = started[0];
    if (!b) break;
    s.currentBatch = b.index;
    if (!batchState(b.pods, input.pods, from, targets).done) return out;
    b.phase = 'RolledBack';
    b.finishedAt = stamp(now);
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

function stamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
