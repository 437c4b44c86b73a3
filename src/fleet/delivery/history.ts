import type { Static } from '@sinclair/typebox';
import type { FleetHistoryEntry } from '../../api/index.js';
import { rfc3339 } from '../../kube/clock.js';
import { SYSTEM_ACTOR } from './types.js';

export type FleetHistoryEntryT = Static<typeof FleetHistoryEntry>;

/** status.history holds at most this many entries (the schema's maxItems). */
export const FLEET_HISTORY_LIMIT = 200;

/** The action of the note that replaces dropped entries. */
export const TRUNCATED_ACTION = 'HistoryTruncated';

/** Builds a history entry stamped with `now`; `by` is a user name or system:plinth. */
export function fleetHistoryEntry(now: Date, by: string, action: string, details: { wave?: string; message?: string } = {}): FleetHistoryEntryT {
  const e: FleetHistoryEntryT = { at: rfc3339(now), by, action };
  if (details.wave !== undefined) e.wave = details.wave;
  if (details.message !== undefined) e.message = details.message.length > 1024 ? `${details.message.slice(0, 1023)}…` : details.message;
  return e;
}

function droppedBefore(first: FleetHistoryEntryT | undefined): number {
  if (first?.action !== TRUNCATED_ACTION) return 0;
  const m = /^(\d+) /.exec(first.message ?? '');
  return m ? Number(m[1]) : 0;
}

/**
 * Pure: the history with `entries` appended (append-only). Beyond `limit` entries the oldest are dropped and
 * the first entry becomes a note saying how many were dropped in all, so the list never grows past `limit`.
 */
export function appendFleetHistory(history: readonly FleetHistoryEntryT[] | undefined, entries: readonly FleetHistoryEntryT[], now: Date, limit = FLEET_HISTORY_LIMIT): FleetHistoryEntryT[] {
  const list = [...(history ?? []), ...entries];
  if (list.length <= limit) return list;
  const before = droppedBefore(list[0]);
  const body = before > 0 ? list.slice(1) : list;
  const keep = body.slice(body.length - (limit - 1));
  const dropped = before + (body.length - keep.length);
  return [fleetHistoryEntry(now, SYSTEM_ACTOR, TRUNCATED_ACTION, { message: `${dropped} older entries were dropped (history keeps ${limit})` }), ...keep];
}
