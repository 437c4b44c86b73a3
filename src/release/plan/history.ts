import type { Static } from '@sinclair/typebox';
import type { HistoryEntry, ReleaseOrderSpecT, ReleaseOrderStatusT } from '../../api/index.js';
import { rfc3339 } from '../../kube/clock.js';

/** One ReleaseOrder status.history entry. */
export type HistoryEntryT = Static<typeof HistoryEntry>;

/** The `by` of decisions the controller takes itself. */
export const SYSTEM_ACTOR = 'system:plinth';

/** The default bound on status.history (the creation entry plus the latest ones); keeps the object well under etcd's size limit. */
export const HISTORY_LIMIT = 500;

/** Builds a history entry stamped with `now`. `by` is a user name, or SYSTEM_ACTOR. */
export function historyEntry(now: Date, by: string, action: string, details: { batch?: number; message?: string } = {}): HistoryEntryT {
  const entry: HistoryEntryT = { at: rfc3339(now), by, action };
  if (details.batch !== undefined) entry.batch = details.batch;
  if (details.message !== undefined) entry.message = details.message;
  return entry;
}

/**
 * A new history with `entry` appended; the input is not changed.
 *  - Idempotent for level-triggered controllers: when the last entry has the same by, action, batch and message
 *    (whatever its time), nothing is appended, so a retried reconcile does not record a decision twice.
 *  - Bounded: beyond `limit` entries (at least 2), the oldest are dropped except the first (how the release began).
 */
export function appendHistory(history: readonly HistoryEntryT[] | undefined, entry: HistoryEntryT, limit = HISTORY_LIMIT): HistoryEntryT[] {
  const list = [...(history ?? [])];
  const last = list[list.length - 1];
  if (last && last.by === entry.by && last.action === entry.action && last.batch === entry.batch && last.message === entry.message) {
    return list;
  }
  list.push({ ...entry });
  const max = Math.max(2, Math.floor(limit));
  return list.length > max ? [list[0]!, ...list.slice(list.length - max + 1)] : list;
}

/** A new status with `entry` appended to its history (see {@link appendHistory}); everything else is shared, not copied. */
export function withHistory(status: ReleaseOrderStatusT | undefined, entry: HistoryEntryT, limit = HISTORY_LIMIT): ReleaseOrderStatusT {
  return { ...(status ?? {}), history: appendHistory(status?.history, entry, limit) };
}

/** What {@link summarizeReleaseOrder} reads of a ReleaseOrder. */
export interface ReleaseOrderLike {
  metadata?: { name?: string };
  spec: Pick<ReleaseOrderSpecT, 'target' | 'fromRevision' | 'toRevision'>;
  status?: ReleaseOrderStatusT;
}

const MESSAGE_MAX = 120;

/**
 * One line for the CLI and events, e.g.
 * `ro-7 web abc123→def456: WaitingForConfirm, batch 2/4 waiting for confirmation, 3/12 pods updated; last: BatchSucceeded by system:plinth 2m ago`.
 * Batches are shown 1-based ("batch 1" is index 0). Blocked and Failed orders show the latest failing check's message
 * (or the latest history message). With `now`, the last history entry says how long ago it was.
 */
export function summarizeReleaseOrder(order: ReleaseOrderLike, now?: Date): string {
  const status = order.status ?? {};
  const phase = status.phase ?? 'Pending';
  const batches = status.batches ?? [];
  const head = `${order.metadata?.name ?? '(unnamed)'} ${order.spec.target.name} ${order.spec.fromRevision || '(none)'}→${order.spec.toRevision}: ${phase}`;
  const parts: string[] = [];
  if (batches.length === 0) {
    if (phase === 'Pending') parts.push('not planned yet');
  } else {
    const index = status.currentBatch ?? firstUnfinished(batches);
    const batch = batches.find((b) => b.index === index) ?? batches[index];
    const position = `batch ${index + 1}/${batches.length}`;
    if (phase === 'Completed' || phase === 'RolledBack' || phase === 'Superseded') parts.push(`${batches.filter((b) => b.phase === 'Succeeded').length}/${batches.length} batches done`);
    else if (batch?.phase === 'WaitingForConfirm' || phase === 'WaitingForConfirm') parts.push(`${position} waiting for confirmation`);
    else parts.push(`${position} ${batch?.phase ?? 'Pending'}`);
    const total = batches.reduce((n, b) => n + b.pods.length, 0);
    const done = batches.filter((b) => b.phase === 'Succeeded').reduce((n, b) => n + b.pods.length, 0);
    parts.push(`${done}/${total} pods updated`);
  }
  if (phase === 'Blocked' || phase === 'Failed') {
    const reason = latestReason(status, phase === 'Blocked' ? 'Blocked' : 'Failed');
    if (reason) parts.push(reason);
  }
  const last = status.history?.[status.history.length - 1];
  let line = parts.length > 0 ? `${head}, ${parts.join(', ')}` : head;
  if (last) {
    const when = now ? ago(Date.parse(last.at), now) : '';
    line += `; last: ${last.action} by ${last.by}${when ? ` ${when}` : ''}`;
  }
  return line;
}

function firstUnfinished(batches: NonNullable<ReleaseOrderStatusT['batches']>): number {
  const open = batches.find((b) => b.phase !== 'Succeeded');
  return open ? open.index : (batches[batches.length - 1]?.index ?? 0);
}

function latestReason(status: ReleaseOrderStatusT, result: 'Blocked' | 'Failed'): string | undefined {
  const check = [...(status.checks ?? [])].reverse().find((c) => c.result === result);
  if (check) return oneLine(`${check.name}${check.message ? `: ${check.message}` : ` ${result.toLowerCase()}`}`);
  const said = [...(status.history ?? [])].reverse().find((h) => h.message);
  return said?.message ? oneLine(said.message) : undefined;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MESSAGE_MAX ? `${flat.slice(0, MESSAGE_MAX - 1)}…` : flat;
}

/** "45s ago", "5m ago", "3h ago", "2d ago"; "just now" for times not in the past; "" for an unreadable time. */
function ago(at: number, now: Date): string {
  if (Number.isNaN(at)) return '';
  const s = Math.floor((now.getTime() - at) / 1000);
  if (s <= 0) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}
