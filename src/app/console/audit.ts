/**
 * Pure: the console's audit view, merged from the histories Plinth keeps on its objects (ReleaseOrder,
 * ReleasePlan and FleetDelivery `status.history`) and the decisions recorded in node runs' state ConfigMaps
 * (`plinth upgrade nodes` pause/resume/abort, from the CLI or the console), filtered and sorted newest first.
 */
import type { Decision } from '../../upgrade/nodes/state.js';

export const AUDIT_KINDS = ['ReleaseOrder', 'ReleasePlan', 'FleetDelivery'] as const;
export type AuditKind = (typeof AUDIT_KINDS)[number];

export interface AuditItem {
  at: string;
  by: string;
  action: string;
  kind: AuditKind | 'NodeRun';
  namespace: string;
  name: string;
  /** Where the object lives: every history is on the hub. */
  cluster: string;
  message: string | null;
  /** The batch (ReleaseOrder, 1-based), stage (ReleasePlan, 1-based) or wave (FleetDelivery) the entry is about. */
  detail: string | null;
}

/** One object with a history, as listed. */
export interface HistoryOwner {
  metadata?: { namespace?: string; name?: string };
  status?: { history?: ReadonlyArray<{ at: string; by: string; action: string; message?: string; batch?: number; stage?: number; app?: string; wave?: string }> };
}

export interface AuditFilter {
  user?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  /** Matched case-insensitively (Pause = pause). */
  action?: string;
  limit: number;
}

function detailOf(e: { batch?: number; stage?: number; app?: string; wave?: string }): string | null {
  if (e.wave !== undefined) return `wave ${e.wave}`;
  if (e.batch !== undefined) return `batch ${e.batch + 1}`;
  if (e.stage !== undefined) return `stage ${e.stage + 1}${e.app ? ` (${e.app})` : ''}`;
  return e.app ? `app ${e.app}` : null;
}

/** Pure: the history entries of the objects of one kind as audit items. */
export function auditItems(kind: AuditKind, objects: readonly HistoryOwner[], cluster = 'hub'): AuditItem[] {
  const out: AuditItem[] = [];
  for (const o of objects) {
    for (const e of o.status?.history ?? []) {
      out.push({
        at: e.at,
        by: e.by,
        action: e.action,
        kind,
        namespace: o.metadata?.namespace ?? '',
        name: o.metadata?.name ?? '',
        cluster,
        message: e.message ?? null,
        detail: detailOf(e),
      });
    }
  }
  return out;
}

/** Pure: the decisions of node runs (their state namespace, run name and recorded decisions) as audit items. */
export function nodeRunAuditItems(namespace: string, runs: ReadonlyArray<{ name: string; decisions: readonly Decision[] }>, cluster = 'hub'): AuditItem[] {
  return runs.flatMap((r) =>
    r.decisions.map((d) => ({
      at: d.at,
      by: d.by,
      action: d.action,
      kind: 'NodeRun' as const,
      namespace,
      name: r.name,
      cluster,
      message: `the run was ${d.phase} when ${d.by} decided to ${d.action} it`,
      detail: null,
    })),
  );
}

function time(at: string): number {
  const t = Date.parse(at);
  return Number.isNaN(t) ? -Infinity : t;
}

/** Pure: the items matching every filter given, newest first (ties: kind, namespace, name), at most `limit`. */
export function mergeAudit(items: readonly AuditItem[], f: AuditFilter): AuditItem[] {
  const action = f.action?.toLowerCase();
  return items
    .filter(
      (i) =>
        (f.user === undefined || i.by === f.user) &&
        (f.kind === undefined || i.kind === f.kind) &&
        (f.namespace === undefined || i.namespace === f.namespace) &&
        (f.name === undefined || i.name === f.name) &&
        (action === undefined || i.action.toLowerCase() === action),
    )
    .map((i, n) => ({ i, n, t: time(i.at) }))
    .sort((a, b) => b.t - a.t || a.i.kind.localeCompare(b.i.kind) || a.i.namespace.localeCompare(b.i.namespace) || a.i.name.localeCompare(b.i.name) || b.n - a.n)
    .slice(0, f.limit)
    .map((x) => x.i);
}
