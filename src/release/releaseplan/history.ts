import type { PlanHistoryEntryT } from '../../api/index.js';
import { rfc3339 } from '../../kube/clock.js';
import { HISTORY_LIMIT } from '../plan/history.js';

/** A plan history entry stamped with `now`. `by` is a user name, or system:plinth. */
export function planEntry(now: Date, by: string, action: string, details: { stage?: number; app?: string; message?: string } = {}): PlanHistoryEntryT {
  const e: PlanHistoryEntryT = { at: rfc3339(now), by, action };
  if (details.stage !== undefined) e.stage = details.stage;
  if (details.app !== undefined) e.app = details.app;
  if (details.message !== undefined) e.message = details.message;
  return e;
}

/**
 * A new history with `entry` appended: nothing is appended when the last entry says the same (by, action,
 * stage, app, message), so a retried reconcile records a decision once; bounded like ReleaseOrder histories
 * (the first entry is kept).
 */
export function appendPlanHistory(history: readonly PlanHistoryEntryT[] | undefined, entry: PlanHistoryEntryT, limit = HISTORY_LIMIT): PlanHistoryEntryT[] {
  const list = [...(history ?? [])];
  const last = list[list.length - 1];
  if (last && last.by === entry.by && last.action === entry.action && last.stage === entry.stage && last.app === entry.app && last.message === entry.message) return list;
  list.push({ ...entry });
  const max = Math.max(2, Math.floor(limit));
  return list.length > max ? [list[0]!, ...list.slice(list.length - max + 1)] : list;
}
