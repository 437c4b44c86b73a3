// Hub API writes without an audit log: the hub kube-apiserver's `apiserver_request_total` counter (labelled by
// verb, group, resource, subresource and code) scraped before and after a window. The counter cannot name the
// client, so the window is chosen where Flux is the only writer of everything but Leases: the hub runs no
// workloads (no nodes), the bench writes only the one trigger patch (counted: it is the Receiver's write), and
// the background writers that remain are left out by resource: Lease renewals (coordination.k8s.io leases)
// and core endpoints (an idle hub with no client at all showed, over 30 s, 3 Lease PUTs and 3 endpoints POSTs
// answered 422), plus discovery.k8s.io endpointslices for the same reason. Flux writes none of those.
import type { KubeClient } from '../../../src/kube/http.js';
import { promSamples } from '../../../src/kube/prom-text.js';

const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE', 'DELETECOLLECTION']);
/** Writes of the hub's own components (`group/resource`, core group ''): never Flux's. */
const BACKGROUND = new Set(['coordination.k8s.io/leases', '/endpoints', 'discovery.k8s.io/endpointslices']);

/** Write counts keyed by `VERB group/resource[/subresource]` (core group: `core`). */
export type Writes = Map<string, number>;

/** The write samples of an exposition, the hub's own background writes left out. */
export function parseWrites(text: string): Writes {
  const out: Writes = new Map();
  for (const { labels: l, value } of promSamples(text, 'apiserver_request_total')) {
    if (!WRITE_VERBS.has(l['verb'] ?? '')) continue;
    const group = l['group'] ?? '';
    if (BACKGROUND.has(`${group}/${l['resource'] ?? ''}`)) continue;
    const key = `${l['verb']} ${group === '' ? 'core' : group}/${l['resource'] ?? ''}${l['subresource'] ? `/${l['subresource']}` : ''}`;
    out.set(key, (out.get(key) ?? 0) + value);
  }
  return out;
}

export async function scrapeWrites(hub: KubeClient): Promise<Writes> {
  return parseWrites((await hub.requestRaw({ method: 'GET', path: '/metrics' })).toString('utf8'));
}

/** after - before, zero entries dropped. */
export function writesBetween(before: Writes, after: Writes): Writes {
  const out: Writes = new Map();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d !== 0) out.set(k, d);
  }
  return out;
}

export function totalOf(w: Writes): number {
  let n = 0;
  for (const v of w.values()) n += v;
  return n;
}
