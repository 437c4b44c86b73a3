import type { FleetDelivery } from '../../api/index.js';
import { PlinthError } from '../../errors/index.js';
import { knownDigest } from '../delivery/target.js';

/** The four actions a person takes on a delivery's rollout. */
export type FleetAction = 'confirm' | 'pause' | 'resume' | 'rollback';

/** The history `action` each is recorded as. */
export const FLEET_HISTORY_ACTIONS: Readonly<Record<FleetAction, string>> = { confirm: 'Confirm', pause: 'Pause', resume: 'Resume', rollback: 'Rollback' };

/** What an action sets in the delivery's spec (undefined: nothing to do), the wave concerned and one line saying what happens. */
export interface FleetDecision {
  set: { confirmedWaves?: string[]; paused?: boolean; rollback?: { toRevision?: string; requestedAt: string } } | undefined;
  wave?: string;
  message: string;
}

function refuse(fd: FleetDelivery, action: FleetAction, detail: string, fix: string): PlinthError {
  return new PlinthError('FLEET_ACTION_REFUSED', { action, namespace: fd.metadata.namespace ?? '', name: fd.metadata.name ?? '', detail, fix });
}

/** The wave that waits for confirmation, if any. */
export function waitingWave(fd: FleetDelivery): string | undefined {
  return fd.status?.waves?.find((w) => w.phase === 'WaitingForConfirm')?.name;
}

/** Pure: `confirm` adds the waiting wave to spec.confirmedWaves; refused when no wave waits. */
export function decideConfirm(fd: FleetDelivery, ref: string): FleetDecision {
  const wave = waitingWave(fd);
  const phase = fd.status?.phase ?? 'Pending';
  if (!wave) {
    throw refuse(fd, 'confirm', `no wave waits for confirmation (phase ${phase})`, `see \`plinth fleet rollout status ${ref}\`; confirm once a wave shows WaitingForConfirm`);
  }
  const confirmed = fd.spec.confirmedWaves ?? [];
  if (confirmed.includes(wave)) return { set: undefined, wave, message: `wave ${wave} is already confirmed; the controller starts it shortly` };
  const when = fd.spec.paused ? 'it starts once the delivery is resumed (spec.paused is true)' : 'it starts now';
  return { set: { confirmedWaves: [...confirmed, wave] }, wave, message: `confirmed wave ${wave} of revision ${fd.status?.revision ?? '(none)'}; ${when}` };
}

/** Pure: `pause` / `resume` set spec.paused (nothing to do when it already is so). */
export function decidePause(fd: FleetDelivery, pause: boolean): FleetDecision {
  const paused = fd.spec.paused === true;
  if (pause === paused) return { set: undefined, message: pause ? 'the delivery is already paused (spec.paused is true)' : 'the delivery is not paused (spec.paused is false)' };
  return pause
    ? { set: { paused: true }, message: 'paused: no wave starts and no further cluster moves (clusters already moving finish) until `plinth fleet rollout resume`' }
    : { set: { paused: false }, message: 'resumed: the rollout continues where it stopped (a wave whose failures still exceed maxFailures pauses it again)' };
}

/**
 * Pure: `rollback [--to REVISION]` sets spec.rollback {toRevision?, requestedAt}. Refused when there is no
 * previous revision (and no --to), when REVISION is not one the delivery ran, or when the delivery already
 * runs it and is settled.
 */
export function decideRollback(fd: FleetDelivery, to: string | undefined, now: string): FleetDecision {
  const st = fd.status ?? {};
  const target = to ?? st.previousRevision;
  if (!target) throw refuse(fd, 'rollback', 'it has no previous revision to return to', 'a rollback needs a revision the fleet ran before: wait for a second revision, or name one with --to');
  if (!knownDigest(st, target)) {
    const known = [...new Set([...(st.revisions ?? []).map((r) => r.revision), ...(st.previousRevision ? [st.previousRevision] : [])])];
    throw refuse(fd, 'rollback', `revision ${target} is not one it ran`, `pick one of: ${known.join(', ') || '(none)'}`);
  }
  if (target === st.revision) throw refuse(fd, 'rollback', `revision ${target} is the one it rolls out or runs (${st.phase ?? 'Pending'})`, 'name an earlier revision with --to, or pause the rollout');
  const set: NonNullable<FleetDecision['set']> = { rollback: { ...(to ? { toRevision: to } : {}), requestedAt: now } };
  return { set, message: `rollback requested: every cluster that moved returns to ${target} at once, with a new sequence; the source is not rolled out again until it has a new commit` };
}
