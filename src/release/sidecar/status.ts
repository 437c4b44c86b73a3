import type { V1Pod } from '@kubernetes/client-node';
import type { SidecarSet } from '../../api/release/sidecarset.js';
import { sidecarSetHash } from './hash.js';
import { SIDECAR_KEYS } from './inject.js';

export interface SidecarCounts {
  matched: number;
  updated: number;
  ready: number;
}

/** The hashes a pod's injection annotation records, by set name ({} when absent or unreadable). */
export function injectedHashes(pod: V1Pod): Record<string, string> {
  const raw = pod.metadata?.annotations?.[SIDECAR_KEYS.hash];
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    return v !== null && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** matched: live pods carrying the set's sidecars; updated: of those, with the set's current hash; ready: of those, Ready. */
export function countPods(set: SidecarSet, pods: readonly V1Pod[]): SidecarCounts {
  const name = set.metadata.name!;
  const hash = sidecarSetHash(set);
  const out: SidecarCounts = { matched: 0, updated: 0, ready: 0 };
  for (const p of pods) {
    if (p.metadata?.deletionTimestamp) continue;
    const h = injectedHashes(p)[name];
    if (h === undefined) continue;
    out.matched++;
    if (h === hash) out.updated++;
    if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) out.ready++;
  }
  return out;
}
