import type { ReleaseOrder } from '../../api/index.js';
import { PlinthError } from '../../errors/index.js';

/** The four actions on a release order. */
export type ReleaseAction = 'confirm' | 'pause' | 'resume' | 'rollback';

/** The history `action` each CLI action is recorded as (the controller records its own outcomes separately). */
export const HISTORY_ACTIONS: Readonly<Record<ReleaseAction, string>> = {
  confirm: 'Confirm',
  pause: 'Pause',
  resume: 'Resume',
  rollback: 'Rollback',
};

/** What an action changes in the order's spec, and the line that says so. */
export interface Decision {
  /** The spec fields to set; undefined: nothing to do (the order already is that way). */
  set: { confirmedBatches?: number; paused?: boolean; rollback?: boolean } | undefined;
  /** 0-based index of the batch concerned (confirm: the last batch confirmed; others: the current batch). */
  batch: number | undefined;
  /** What happens (or why nothing does), one line, batches 1-based. */
  message: string;
}

const FINISHED = new Set(['Completed', 'RolledBack', 'Superseded', 'Failed']);

function refuse(order: ReleaseOrder, action: ReleaseAction, detail: string, fix: string): PlinthError {
  return new PlinthError('RELEASE_ACTION_REFUSED', { action, namespace: order.metadata.namespace ?? '', order: order.metadata.name ?? '', detail, fix });
}

function phaseOf(order: ReleaseOrder): string {
  return order.status?.phase ?? 'Pending';
}

/** The batch waiting for confirmation (0-based index), if any: a batch in WaitingForConfirm, else the current one when the order waits. */
export function waitingBatch(order: ReleaseOrder): number | undefined {
  const batches = order.status?.batches ?? [];
  const waiting = batches.find((b) => b.phase === 'WaitingForConfirm');
  if (waiting) return waiting.index;
  if (phaseOf(order) === 'WaitingForConfirm' && order.status?.currentBatch !== undefined) return order.status.currentBatch;
  return undefined;
}

/**
 * Pure: what `confirm` sets. Batch i (0-based) starts once spec.confirmedBatches >= i, so confirming the waiting
 * batch i sets confirmedBatches to i; `--batch K` (1-based) confirms every batch up to K: confirmedBatches K-1.
 * Refuses (RELEASE_ACTION_REFUSED / INVALID_ARGUMENT) when nothing waits, the order is finished or not planned,
 * or K is out of range; nothing to do when the batch is already confirmed.
 */
export function decideConfirm(order: ReleaseOrder, upTo?: number, ref = order.metadata.name ?? ''): Decision {
  const phase = phaseOf(order);
  const confirmed = order.spec.confirmedBatches ?? 0;
  const batches = order.status?.batches ?? [];
  const n = batches.length;
  if (FINISHED.has(phase)) throw refuse(order, 'confirm', `the release is ${phase}`, 'nothing is left to confirm; see `plinth release status`');
  if (order.spec.rollback || phase === 'RollingBack') throw refuse(order, 'confirm', 'a rollback was requested', 'a rollback cannot be cancelled; see `plinth release status`');
  if (n === 0) throw refuse(order, 'confirm', 'the controller has not planned its batches yet', `wait a moment and run \`plinth release status ${ref}\``);
  if (upTo !== undefined) {
    if (!Number.isInteger(upTo) || upTo < 1 || upTo > n) {
      throw new PlinthError('INVALID_ARGUMENT', { what: '--batch', detail: `${upTo} is not a batch of this release (it has ${n})`, fix: `give a batch from 2 to ${n}` });
    }
    const k = upTo - 1;
    if (k === 0) return { set: undefined, batch: 0, message: 'batch 1 needs no confirmation: it starts as soon as the release does' };
    if (k <= confirmed) return { set: undefined, batch: k, message: `batch ${upTo} of ${n} is already confirmed (spec.confirmedBatches is ${confirmed})` };
    const waiting = waitingBatch(order);
    const now = waiting !== undefined && waiting <= k ? `; batch ${waiting + 1} starts ${order.spec.paused ? 'once the release is resumed' : 'now'}` : '';
    return { set: { confirmedBatches: k }, batch: k, message: `confirmed batches up to ${upTo} of ${n}: spec.confirmedBatches ${confirmed} → ${k}${now}` };
  }
  const waiting = waitingBatch(order);
  if (waiting === undefined) {
    const current = order.status?.currentBatch;
    const where = current !== undefined && batches[current] ? `batch ${current + 1} of ${n} is ${batches[current].phase}` : `phase ${phase}`;
    throw refuse(
      order,
      'confirm',
      `no batch waits for confirmation (${phase}, ${where})`,
      `wait until it does (\`plinth release status ${ref} --watch\`), or confirm ahead with --batch K`,
    );
  }
  if (waiting <= confirmed) {
    return { set: undefined, batch: waiting, message: `batch ${waiting + 1} of ${n} is already confirmed (spec.confirmedBatches is ${confirmed}); the controller starts it shortly` };
  }
  const when = order.spec.paused ? 'it starts once the release is resumed (spec.paused is true)' : 'it starts now';
  return { set: { confirmedBatches: waiting }, batch: waiting, message: `confirmed batch ${waiting + 1} of ${n}: spec.confirmedBatches ${confirmed} → ${waiting}; ${when}` };
}

/** Pure: what `pause` / `resume` sets. */
export function decidePause(order: ReleaseOrder, pause: boolean): Decision {
  const action: ReleaseAction = pause ? 'pause' : 'resume';
  const phase = phaseOf(order);
  const batch = order.status?.currentBatch;
  if (FINISHED.has(phase)) throw refuse(order, action, `the release is ${phase}`, 'only a release in progress can be paused or resumed');
  const paused = order.spec.paused === true;
  if (pause === paused) {
    return { set: undefined, batch, message: pause ? 'the release is already paused (spec.paused is true)' : 'the release is not paused (spec.paused is false)' };
  }
  return pause
    ? { set: { paused: true }, batch, message: 'paused: no further pod starts changing (pods already changing finish) until `plinth release resume`' }
    : { set: { paused: false }, batch, message: 'resumed: spec.paused is false; the release continues where it stopped' };
}

/** Pure: what `rollback` sets and what will happen. */
export function decideRollback(order: ReleaseOrder): Decision {
  const phase = phaseOf(order);
  const batch = order.status?.currentBatch;
  if (phase === 'RolledBack') return { set: undefined, batch, message: `the release is already rolled back: every pod runs revision ${order.spec.fromRevision || '(none)'} again` };
  if (phase === 'Superseded') {
    throw refuse(order, 'rollback', 'the release is Superseded', "a newer release order replaced it: roll back the CellDeployment's current release instead");
  }
  if (order.spec.rollback === true) return { set: undefined, batch, message: 'a rollback was already requested (spec.rollback is true)' };
  const from = order.spec.fromRevision || '(none)';
  const started = (order.status?.batches ?? []).filter((b) => b.startedAt !== undefined && b.phase !== 'Pending' && b.phase !== 'RolledBack');
  const pods = started.reduce((sum, b) => sum + b.pods.length, 0);
  const which = started.length === 0 ? 'no batch has started: the release stops and nothing changes'
    : `the ${pods} pod(s) of batch(es) ${started.map((b) => b.index + 1).join(', ')} return to revision ${from}, the latest batch first, each drained before it changes`;
  return { set: { rollback: true }, batch, message: `rollback requested: the release stops; ${which}; then any other pod not on ${from} returns to it. This cannot be cancelled` };
}
