import type { ReleasePlan } from '../../api/index.js';
import { compareStrings } from '../plan/index.js';
import { started } from './start.js';

const INACTIVE = new Set(['Completed', 'RolledBack', 'Invalid']);

function appKeys(p: ReleasePlan): Map<string, string> {
  return new Map(p.spec.apps.map((a) => [`${a.kind ?? 'CellDeployment'}/${a.name}`, a.name]));
}

/** `a` goes before `b`: a plan that started goes first, else the older (creation time, then name). */
function goesFirst(a: ReleasePlan, b: ReleasePlan): boolean {
  const sa = started(a.status ?? {});
  const sb = started(b.status ?? {});
  if (sa !== sb) return sa;
  const t = compareStrings(String(a.metadata.creationTimestamp ?? ''), String(b.metadata.creationTimestamp ?? ''));
  return t !== 0 ? t < 0 : compareStrings(a.metadata.name ?? '', b.metadata.name ?? '') < 0;
}

/**
 * Pure: the first active plan of the same namespace (by name) that shares an app (same kind and name) with
 * `plan` and goes before it, with that app. Active: not Completed, RolledBack or Invalid.
 */
export function conflictOf(plan: ReleasePlan, others: readonly ReleasePlan[]): { plan: string; app: string } | undefined {
  const mine = appKeys(plan);
  const candidates = others
    .filter((o) => o.metadata.namespace === plan.metadata.namespace && o.metadata.name !== plan.metadata.name)
    .filter((o) => !INACTIVE.has(o.status?.phase ?? 'Pending'))
    .sort((a, b) => compareStrings(a.metadata.name ?? '', b.metadata.name ?? ''));
  for (const o of candidates) {
    const shared = [...appKeys(o).keys()].filter((k) => mine.has(k)).sort(compareStrings)[0];
    if (shared !== undefined && goesFirst(o, plan)) return { plan: o.metadata.name ?? '', app: mine.get(shared) ?? shared };
  }
  return undefined;
}
