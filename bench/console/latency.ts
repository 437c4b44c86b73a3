// Pure matching of arrival times for the console bench: the same change (a pod at a resourceVersion) seen by
// the bench's own watch (what the API server sent), by an SSE client or `kubectl get -w`, and by the browser.

/** One change seen somewhere: `key` is `NAME@RESOURCEVERSION`, `at` the epoch ms it arrived. */
export interface Arrival {
  key: string;
  at: number;
}

export const changeKey = (name: string, resourceVersion: string): string => `${name}@${resourceVersion}`;

/** The first arrival of each key. */
export function firstArrivals(arrivals: readonly Arrival[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of arrivals) if (!out.has(a.key) || out.get(a.key)! > a.at) out.set(a.key, a.at);
  return out;
}

/**
 * The delay of each change in `seen` after the same change reached the bench's watch (`source`); changes the
 * source never saw are counted apart. A change seen twice counts once, at its first arrival.
 */
export function matchLatencies(source: ReadonlyMap<string, number>, seen: readonly Arrival[]): { samples: number[]; unmatched: number } {
  const samples: number[] = [];
  let unmatched = 0;
  for (const [key, at] of firstArrivals(seen)) {
    const t0 = source.get(key);
    if (t0 === undefined) unmatched++;
    else samples.push(Math.max(0, at - t0));
  }
  return { samples, unmatched };
}

/** A message the page's EventSource received for a pod, and a change of a pod cell in the page's DOM. */
export interface PageMessage {
  pod: string;
  resourceVersion: string;
  at: number;
}
export interface DomChange {
  pod: string;
  state: string;
  at: number;
}

/**
 * Pod status change → the browser showing it: each DOM change of a pod cell is caused by the last message
 * for that pod the page received before it; its delay is measured from when the API server's watch delivered
 * that change to the bench (`source`). DOM changes with no message before them (first render) are skipped.
 */
export function domLatencies(source: ReadonlyMap<string, number>, messages: readonly PageMessage[], changes: readonly DomChange[]): { samples: number[]; unmatched: number } {
  const byPod = new Map<string, PageMessage[]>();
  for (const m of [...messages].sort((a, b) => a.at - b.at)) {
    const list = byPod.get(m.pod) ?? [];
    list.push(m);
    byPod.set(m.pod, list);
  }
  const samples: number[] = [];
  let unmatched = 0;
  for (const c of changes) {
    const list = byPod.get(c.pod) ?? [];
    let cause: PageMessage | undefined;
    for (const m of list) if (m.at <= c.at) cause = m;
    if (!cause) continue;
    const t0 = source.get(changeKey(cause.pod, cause.resourceVersion));
    if (t0 === undefined) unmatched++;
    else samples.push(Math.max(0, c.at - t0));
  }
  return { samples, unmatched };
}
