import type { V1LabelSelector, V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { selectorMatches as labelSelectorMatches } from '../../kube/selector.js';

/** Set by the kubelet on the API copy of a static pod. */
export const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export type PodVerdict =
  | { action: 'evict'; workload?: string }
  | { action: 'skip'; why: 'daemonset' | 'mirror' | 'finished-deleting' }
  | { action: 'refuse'; why: string };

/** The workload that recreates a pod, as `Kind namespace/name` (undefined for bare pods). */
export function controllerOf(pod: V1Pod): { kind: string; name: string } | undefined {
  const c = pod.metadata?.ownerReferences?.find((o) => o.controller === true);
  return c ? { kind: c.kind, name: c.name } : undefined;
}

/**
 * What a drain does with one pod, as `kubectl drain --ignore-daemonsets` would: DaemonSet and
 * mirror pods stay; pods with emptyDir volumes only with --delete-emptydir-data; a pod no
 * controller recreates is refused (evicting it would lose it).
 */
export function classifyPod(pod: V1Pod, opts: { deleteEmptyDirData: boolean }): PodVerdict {
  if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) return { action: 'skip', why: 'mirror' };
  const ctl = controllerOf(pod);
  if (ctl?.kind === 'DaemonSet') return { action: 'skip', why: 'daemonset' };
  const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  if (pod.metadata?.deletionTimestamp && finished) return { action: 'skip', why: 'finished-deleting' };
  const id = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  if (!ctl && !finished) return { action: 'refuse', why: `pod ${id} has no controller: evicting it would lose it (delete or move it first)` };
  if (!opts.deleteEmptyDirData && !finished && (pod.spec?.volumes ?? []).some((v) => v.emptyDir !== undefined)) {
    return { action: 'refuse', why: `pod ${id} has emptyDir data that eviction would delete (pass --delete-emptydir-data to allow it)` };
  }
  return ctl ? { action: 'evict', workload: `${ctl.kind} ${pod.metadata?.namespace}/${ctl.name}` } : { action: 'evict' };
}

/**
 * Whether a PDB's selector selects pods with these labels: a missing (null) selector selects none (policy/v1),
 * otherwise as the API server matches label selectors (an empty one selects every pod).
 */
export function selectorMatches(sel: V1LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  return sel !== undefined && labelSelectorMatches(sel, labels);
}

/**
 * The PDBs covering a pod. An empty selector matches every pod of the namespace under
 * policy/v1 and none under policy/v1beta1 (the semantics changed with the version).
 */
export function pdbsFor(pod: V1Pod, pdbs: readonly V1PodDisruptionBudget[], pdbApi: string): V1PodDisruptionBudget[] {
  return pdbs.filter((b) => {
    if (b.metadata?.namespace !== pod.metadata?.namespace) return false;
    const sel = b.spec?.selector;
    const empty = !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
    if (empty) return pdbApi === 'policy/v1';
    return selectorMatches(sel, pod.metadata?.labels);
  });
}

export const pdbName = (b: V1PodDisruptionBudget): string => `${b.metadata?.namespace}/${b.metadata?.name}`;

/** Whether a pod counts as healthy for a PDB: Ready=True and not being deleted. */
export function podReady(p: V1Pod): boolean {
  return !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

/**
 * How many pods a PDB needs healthy, from its spec: minAvailable (count or percentage of
 * `expected`, rounded up) or expected − maxUnavailable (percentage rounded up), as the
 * disruption controller computes it.
 */
export function desiredHealthy(b: V1PodDisruptionBudget, expected: number): number {
  const pct = (v: string | number): number => (typeof v === 'number' ? v : Math.ceil((Number(v.replace('%', '')) * expected) / 100));
  const s = b.spec ?? {};
  if (s.minAvailable !== undefined) return pct(s.minAvailable);
  if (s.maxUnavailable !== undefined) return Math.max(0, expected - pct(s.maxUnavailable));
  return Math.max(0, expected - 1);
}
