import { request } from './api.js';

/** etcd's current revision, through its JSON gateway. */
export async function etcdRevision(endpoint: string): Promise<string> {
  // Any range request returns the store's header; ask for a key that never exists.
  const res = await request(`${endpoint}/v3/kv/range`, {
    method: 'POST',
    body: { key: Buffer.from('/plinth-revision-probe').toString('base64') },
  });
  if (res.status !== 200) throw new Error(`etcd range failed: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  const rev = (JSON.parse(res.body) as { header?: { revision?: string } }).header?.revision;
  if (!rev) throw new Error(`etcd range returned no revision: ${res.body.slice(0, 200)}`);
  return rev;
}

/**
 * Compact etcd at its current revision (physically, waiting until done). Reads and watches from
 * an older resourceVersion that reach etcd then fail with "required revision has been compacted"
 * (410 Gone from the API server).
 */
export async function compactEtcd(endpoint: string): Promise<string> {
  const revision = await etcdRevision(endpoint);
  const res = await request(`${endpoint}/v3/kv/compaction`, {
    method: 'POST',
    body: { revision, physical: true },
    timeoutMs: 60_000,
  });
  if (res.status !== 200 && !res.body.includes('already been compacted')) {
    throw new Error(`etcd compaction at ${revision} failed: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  }
  return revision;
}
