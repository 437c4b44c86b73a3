import type { ReleaseOrder } from '../api/index.js';
import { compareStrings } from './plan/index.js';
import { KEYS } from './keys.js';

/** Phases after which an order never changes again (apart from a rollback request on a Completed order). */
const TERMINAL = new Set(['Completed', 'RolledBack', 'Superseded', 'Failed']);

export function isTerminal(order: ReleaseOrder): boolean {
  return TERMINAL.has(order.status?.phase ?? '');
}

/** The order's place among its CellDeployment's orders (annotation; 0 when missing). */
export function sequenceOf(order: ReleaseOrder): number {
  const n = Number(order.metadata.annotations?.[KEYS.sequence] ?? '0');
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** Orders sorted oldest first: by sequence, then creation time, then name (a total, stable order). */
export function sortOrders(orders: readonly ReleaseOrder[]): ReleaseOrder[] {
  return [...orders].sort(
    (a, b) =>
      sequenceOf(a) - sequenceOf(b) ||
      compareStrings(a.metadata.creationTimestamp ?? '', b.metadata.creationTimestamp ?? '') ||
      compareStrings(a.metadata.name ?? '', b.metadata.name ?? ''),
  );
}

/** The newest order of a CellDeployment, the one the controllers follow. */
export function latestOrder(orders: readonly ReleaseOrder[]): ReleaseOrder | undefined {
  return sortOrders(orders).at(-1);
}

/**
 * Whether the order is returning pods to its fromRevision: rollback was requested (and the order was not
 * superseded before), or a check failure started one (phase RollingBack), or it finished (RolledBack).
 */
export function isRollingBack(order: ReleaseOrder): boolean {
  const phase = order.status?.phase;
  if (phase === 'RollingBack' || phase === 'RolledBack') return true;
  return order.spec.rollback === true && phase !== 'Superseded' && phase !== 'Failed';
}

const MAX_NAME = 253;

/**
 * The name of a new order: `<cd>-<revision>`, or `<cd>-<revision>-<sequence>` when that name is taken
 * (a revision released a second time, e.g. after going back and forth). Deterministic, so a controller that
 * retries after a crash finds the order it created instead of creating another.
 */
export function orderName(cdName: string, revision: string, sequence: number, taken: ReadonlySet<string>): string {
  const base = `${cdName.slice(0, MAX_NAME - revision.length - 12)}-${revision}`;
  return taken.has(base) ? `${base}-${sequence}` : base;
}
