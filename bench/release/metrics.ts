// Write counts from the API server's /metrics: `apiserver_request_total` summed over the mutating verbs.
// The counter is labelled by verb, resource, subresource, scope, component (always "apiserver": the label
// names the server, not the client) and code, so it cannot tell one client from another; see audit.ts for that.
import type { KubeClient } from '../../src/kube/http.js';
import { promSamples } from '../../src/kube/prom-text.js';

/** The verbs `apiserver_request_total` reports for writes (server-side apply is its own verb, APPLY). */
export const WRITE_VERBS = ['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE', 'DELETECOLLECTION'] as const;

/** The read verbs (a WATCH is counted when it starts). */
export const READ_VERBS = ['GET', 'LIST', 'WATCH'] as const;

/** Request counters keyed by `VERB resource[/subresource]`. */
export type WriteCounts = Map<string, number>;

/** Parses the `apiserver_request_total` lines of a Prometheus text exposition, for `verbs` (default: writes). */
export function parseWriteCounts(text: string, verbs: readonly string[] = WRITE_VERBS): WriteCounts {
  const out: WriteCounts = new Map();
  for (const { labels: l, value } of promSamples(text, 'apiserver_request_total')) {
    const verb = l['verb'] ?? '';
    if (!verbs.includes(verb)) continue;
    const res = l['subresource'] ? `${l['resource']}/${l['subresource']}` : (l['resource'] ?? '');
    const key = `${verb} ${res}`;
    out.set(key, (out.get(key) ?? 0) + value);
  }
  return out;
}

/** The write and the read counters, from one scrape. */
export async function scrapeRequests(client: KubeClient): Promise<{ writes: WriteCounts; reads: WriteCounts }> {
  const text = (await client.requestRaw({ method: 'GET', path: '/metrics' })).toString('utf8');
  return { writes: parseWriteCounts(text), reads: parseWriteCounts(text, READ_VERBS) };
}

/** after - before, dropping zero entries. */
export function deltaWrites(before: WriteCounts, after: WriteCounts): WriteCounts {
  const out: WriteCounts = new Map();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d !== 0) out.set(k, d);
  }
  return out;
}

export function totalWrites(c: WriteCounts): number {
  let s = 0;
  for (const v of c.values()) s += v;
  return s;
}
