// A simulated client behind kube-proxy (issue #21 §6), pure: requests at a fixed rate, each to a random endpoint
// among those the EndpointSlices listed ready `delayMs` earlier (kube-proxy's propagation delay); a request that
// lands on a pod already going away at that instant is lossy.
import { within, type Interval } from './lossless.js';

export interface ClientSimOptions {
  /** Requests per second. */
  rate: number;
  /** [from, to) in ms: the window the client sends in. */
  from: number;
  to: number;
  /** kube-proxy's propagation delay: the client routes on what the slices said this long ago. */
  delayMs: number;
  /** Seed of the endpoint choice, so a run can be repeated. */
  seed: number;
}

export interface ClientSimResult {
  requests: number;
  /** Requests routed to a pod that had started going away. */
  lossy: number;
  /** Requests sent while no endpoint was listed ready (kube-proxy rejects them). */
  noEndpoint: number;
}

/** mulberry32: a small seeded PRNG in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs the client over `readyByUid` (listed-ready intervals per pod UID) against `away` (going-away instants). */
export function simulateClient(readyByUid: ReadonlyMap<string, readonly Interval[]>, away: ReadonlyMap<string, readonly Interval[]>, o: ClientSimOptions): ClientSimResult {
  const edges: Array<readonly [number, number, string]> = [];
  for (const [uid, intervals] of readyByUid) {
    for (const [a, b] of intervals) {
      edges.push([a + o.delayMs, 1, uid]);
      edges.push([b + o.delayMs, -1, uid]);
    }
  }
  // Removals before additions at the same instant: an interval is [from, to).
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const members: string[] = [];
  const index = new Map<string, number>();
  const add = (uid: string): void => {
    if (index.has(uid)) return;
    index.set(uid, members.length);
    members.push(uid);
  };
  const remove = (uid: string): void => {
    const i = index.get(uid);
    if (i === undefined) return;
    const last = members.pop()!;
    index.delete(uid);
    if (last !== uid) {
      members[i] = last;
      index.set(last, i);
    }
  };
  const random = seededRandom(o.seed);
  const step = 1000 / o.rate;
  const res: ClientSimResult = { requests: 0, lossy: 0, noEndpoint: 0 };
  let e = 0;
  for (let k = 0; o.from + k * step < o.to; k++) {
    const t = o.from + k * step;
    for (; e < edges.length && edges[e]![0] <= t; e++) {
      const [, d, uid] = edges[e]!;
      if (d > 0) add(uid);
      else remove(uid);
    }
    res.requests++;
    if (members.length === 0) {
      res.noEndpoint++;
      continue;
    }
    const uid = members[Math.floor(random() * members.length)]!;
    if (within(away.get(uid), t)) res.lossy++;
  }
  return res;
}
