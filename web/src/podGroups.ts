import type { PodView } from './api/types.js';

/** Pure: pods grouped by unit then batch index (null: not changed by the release). */
export function groupPods(pods: readonly PodView[]): Map<string, Map<number | null, PodView[]>> {
  const out = new Map<string, Map<number | null, PodView[]>>();
  for (const p of pods) {
    let row = out.get(p.unit);
    if (!row) out.set(p.unit, (row = new Map()));
    const cell = row.get(p.batch);
    if (cell) cell.push(p);
    else row.set(p.batch, [p]);
  }
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
