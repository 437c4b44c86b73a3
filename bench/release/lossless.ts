// The losslessness analysis (issue #21 §6), pure: from a timeline of pod and EndpointSlice observations (what a
// watcher saw, with receipt times in ms), when each pod was listed by an EndpointSlice, when it started going
// away, and the pod-seconds the two overlapped. No I/O; see recorder.ts for the watcher that feeds it.

/** One observation of a pod: its first container's spec image, whether it is being deleted, or that it is gone. */
export interface PodObs {
  t: number;
  uid: string;
  image: string;
  /** metadata.deletionTimestamp set. */
  deleting: boolean;
  /** DELETED event: the pod no longer exists. */
  gone: boolean;
  /** Its first container runs the spec image and is ready (an in-place restart has finished). */
  upToDate: boolean;
}

/** One endpoint as an EndpointSlice lists it (API nils already resolved: nil ready = true, nil serving = ready). */
export interface EndpointObs {
  uid: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
}

/** One observation of an EndpointSlice: its whole endpoint list, or that it is gone (endpoints empty). */
export interface SliceObs {
  t: number;
  slice: string;
  endpoints: EndpointObs[];
}

/** [from, to) in ms. */
export type Interval = readonly [number, number];

/** Which endpoints count as listed: `ready` (kube-proxy's normal choice) or `readyOrServing` (the issue's). */
export type ListedAs = 'ready' | 'readyOrServing';

/** Resolves a slice endpoint's conditions as the API defines them (nil ready means ready; nil serving follows ready). */
export function endpointObs(
  uid: string,
  c: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null } | undefined,
): EndpointObs {
  const ready = c?.ready !== false;
  const serving = c?.serving === undefined || c.serving === null ? ready : c.serving;
  return { uid, ready, serving, terminating: c?.terminating === true };
}

function listed(e: EndpointObs, as: ListedAs): boolean {
  return as === 'ready' ? e.ready : e.ready || e.serving;
}

/**
 * Per pod UID, the intervals during which at least one EndpointSlice listed it (as `as` says), from the slice
 * observations in time order; an interval still open at `until` is closed there.
 */
export function listedIntervals(slices: readonly SliceObs[], as: ListedAs, until: number): Map<string, Interval[]> {
  const ordered = [...slices].sort((a, b) => a.t - b.t);
  const bySlice = new Map<string, Set<string>>();
  const count = new Map<string, number>();
  const openSince = new Map<string, number>();
  const out = new Map<string, Interval[]>();
  const close = (uid: string, t: number): void => {
    const from = openSince.get(uid);
    if (from === undefined) return;
    openSince.delete(uid);
    if (t > from) out.set(uid, [...(out.get(uid) ?? []), [from, t]]);
  };
  for (const s of ordered) {
    const before = bySlice.get(s.slice) ?? new Set<string>();
    const after = new Set(s.endpoints.filter((e) => listed(e, as)).map((e) => e.uid));
    bySlice.set(s.slice, after);
    for (const uid of before) {
      if (after.has(uid)) continue;
      const n = (count.get(uid) ?? 1) - 1;
      count.set(uid, n);
      if (n === 0) close(uid, s.t);
    }
    for (const uid of after) {
      if (before.has(uid)) continue;
      const n = (count.get(uid) ?? 0) + 1;
      count.set(uid, n);
      if (n === 1) openSince.set(uid, s.t);
    }
  }
  for (const uid of [...openSince.keys()]) close(uid, Math.max(until, openSince.get(uid)!));
  return out;
}

/**
 * Per pod UID, the intervals during which it was going away: from its deletion seen (deletionTimestamp, or gone)
 * on; and from a change of its spec image until its container runs the new image ready (an in-place restart).
 * `preStopMs` models a process that keeps serving after the deletion (a preStop sleep): the deletion then
 * counts only that much later (or from when the pod is gone, if sooner).
 */
export function awayIntervals(pods: readonly PodObs[], preStopMs = 0): Map<string, Interval[]> {
  const ordered = [...pods].sort((a, b) => a.t - b.t);
  const lastImage = new Map<string, string>();
  const changing = new Map<string, number>();
  const deleted = new Map<string, number>();
  const out = new Map<string, Interval[]>();
  const push = (uid: string, i: Interval): void => void out.set(uid, [...(out.get(uid) ?? []), i]);
  for (const p of ordered) {
    const prev = lastImage.get(p.uid);
    if (p.image !== '') lastImage.set(p.uid, p.image);
    if (p.gone || p.deleting) {
      const at = p.gone ? p.t : p.t + preStopMs;
      deleted.set(p.uid, Math.min(at, deleted.get(p.uid) ?? Infinity));
    }
    if (prev !== undefined && p.image !== '' && p.image !== prev && !changing.has(p.uid)) changing.set(p.uid, p.t);
    const since = changing.get(p.uid);
    if (since !== undefined && p.upToDate && p.t > since) {
      changing.delete(p.uid);
      push(p.uid, [since, p.t]);
    }
  }
  for (const [uid, since] of changing) push(uid, [since, Infinity]);
  for (const [uid, at] of deleted) push(uid, [at, Infinity]);
  return out;
}

/** Whether `t` falls in one of `intervals`. */
export function within(intervals: readonly Interval[] | undefined, t: number): boolean {
  return !!intervals && intervals.some(([a, b]) => t >= a && t < b);
}

function overlap(x: readonly Interval[], y: readonly Interval[]): number {
  let ms = 0;
  for (const [a, b] of x) for (const [c, d] of y) ms += Math.max(0, Math.min(b, d) - Math.max(a, c));
  return ms;
}

export interface LossyTime {
  /** Sum over pods of the time listed while going away, in pod-seconds. */
  podSeconds: number;
  /** Pods with any such time. */
  pods: number;
  /** The longest single pod's such time, in seconds. */
  maxSeconds: number;
}

/** The pod-seconds during which a pod that had started going away was still listed. */
export function lossyTime(listedByUid: ReadonlyMap<string, readonly Interval[]>, away: ReadonlyMap<string, readonly Interval[]>): LossyTime {
  let total = 0;
  let pods = 0;
  let max = 0;
  for (const [uid, intervals] of listedByUid) {
    const going = away.get(uid);
    if (going === undefined) continue;
    const ms = overlap(intervals, going);
    if (ms > 0) {
      pods++;
      total += ms;
      max = Math.max(max, ms);
    }
  }
  return { podSeconds: total / 1000, pods, maxSeconds: max / 1000 };
}
