import type { WaveT } from '../../api/index.js';
import { targets } from './placement.js';
import type { MemberView } from './types.js';

/** One wave as planned over the placed clusters. */
export interface WavePlan {
  name: string;
  /** Cluster names, sorted. */
  clusters: string[];
  /** Clusters of the wave moving at once (at least 1). */
  maxConcurrent: number;
  maxFailures: number;
  soakSeconds: number;
  needConfirm: boolean;
  /** The wave of the clusters no listed wave took (or of all, when there are no waves). */
  implicit: boolean;
}

/** The implicit wave's name: "all" without waves, else "rest" (with a suffix if a listed wave has that name). */
export function implicitWaveName(waves: readonly Pick<WaveT, 'name'>[]): string {
  if (waves.length === 0) return 'all';
  const taken = new Set(waves.map((w) => w.name));
  let name = 'rest';
  for (let i = 2; taken.has(name); i++) name = `rest-${i}`;
  return name;
}

/**
 * Resolves an int-or-percent against `total`: a number as is, "25%" as ceil(25% of total); clamped to [0, total].
 * Anything unreadable counts as `total`.
 */
export function resolveAmount(v: number | string | undefined, total: number): number {
  if (v === undefined) return total;
  let n: number;
  if (typeof v === 'number') n = v;
  else {
    const m = /^(\d+(?:\.\d+)?)%$/.exec(v.trim());
    if (m) n = Math.ceil((Number(m[1]) * total) / 100);
    else if (/^\d+$/.test(v.trim())) n = Number(v.trim());
    else n = total;
  }
  return Math.max(0, Math.min(total, Math.floor(n)));
}

/**
 * Pure: assigns the placed clusters to rollout.waves in order. A wave with clusterSelector/clusterNames takes
 * the matching clusters not in an earlier wave; a wave with `count` takes that many (or that percent) of the
 * clusters not yet in a wave, by name; a wave with neither takes all remaining. Clusters left over form a last
 * implicit wave ("rest"); without waves, one wave "all" holds every placed cluster.
 */
export function planWaves(waves: readonly WaveT[] | undefined, placed: readonly MemberView[]): WavePlan[] {
  const list = waves ?? [];
  let remaining = [...placed].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: WavePlan[] = [];
  for (const w of list) {
    let taken: MemberView[];
    if (w.clusterSelector !== undefined || w.clusterNames !== undefined) taken = remaining.filter((m) => targets(w, m));
    else if (w.count !== undefined) taken = remaining.slice(0, resolveAmount(w.count, remaining.length));
    else taken = remaining;
    const names = new Set(taken.map((m) => m.name));
    remaining = remaining.filter((m) => !names.has(m.name));
    const clusters = taken.map((m) => m.name);
    out.push({
      name: w.name,
      clusters,
      maxConcurrent: Math.max(1, resolveAmount(w.maxConcurrent, clusters.length)),
      maxFailures: w.maxFailures ?? 0,
      soakSeconds: w.soakSeconds ?? 0,
      needConfirm: w.needConfirm ?? false,
      implicit: false,
    });
  }
  if (list.length === 0 || remaining.length > 0) {
    const clusters = remaining.map((m) => m.name);
    out.push({ name: implicitWaveName(list), clusters, maxConcurrent: Math.max(1, clusters.length), maxFailures: 0, soakSeconds: 0, needConfirm: false, implicit: true });
  }
  return out;
}
