import type { ReleaseOrder } from '../../../api/index.js';
import { PlinthError } from '../../../errors/index.js';

/** Phases that end `--watch`. */
export const FINAL_PHASES: ReadonlySet<string> = new Set(['Completed', 'RolledBack', 'Failed', 'Superseded']);

/** How long a watch that follows a CellDeployment waits for it to name the order that superseded the one shown. */
export const SUPERSEDE_GRACE_MS = 10_000;

export type WatchEnd =
  /** Not over: keep watching (look again after `recheckMs` when nothing else would wake the watch). */
  | { over: false; recheckMs?: number }
  | { over: true; code: 0 }
  | { over: true; error: PlinthError };

export interface EndInput {
  order: ReleaseOrder;
  /** NAME was a CellDeployment: a Superseded order hands over to its successor. */
  followsCellDeployment: boolean;
  /** When the order was first seen Superseded (ms), 0 before. */
  supersededAt: number;
  now: number;
  namespace: string;
  /** NAME and -n as given, for the suggested command. */
  ref: string;
  nsFlag: string;
}

/**
 * Pure: whether the watch is over. An order in a final phase ends it: Failed with RELEASE_FAILED (exit code 1),
 * the others with 0 — except a Superseded order of a followed CellDeployment, which waits SUPERSEDE_GRACE_MS
 * for the CellDeployment to name its successor.
 */
export function watchEnd(x: EndInput): WatchEnd {
  const phase = x.order.status?.phase ?? 'Pending';
  if (!FINAL_PHASES.has(phase)) return { over: false };
  if (phase === 'Superseded' && x.followsCellDeployment && x.now - x.supersededAt < SUPERSEDE_GRACE_MS) return { over: false, recheckMs: 1000 };
  if (phase !== 'Failed') return { over: true, code: 0 };
  const order = x.order.metadata.name ?? '';
  return {
    over: true,
    error: new PlinthError('RELEASE_FAILED', { namespace: x.namespace, order, detail: failDetail(x.order), fix: `roll back with \`plinth release rollback ${x.ref}${x.nsFlag}\`` }),
  };
}

function failDetail(order: ReleaseOrder): string {
  const check = [...(order.status?.checks ?? [])].reverse().find((c) => c.result === 'Failed');
  if (check) return `: ${check.name}${check.message ? `: ${check.message}` : ''}`;
  const said = [...(order.status?.history ?? [])].reverse().find((h) => h.message);
  return said?.message ? `: ${said.message}` : '';
}
