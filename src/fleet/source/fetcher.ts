// One fetch per (URL, ref, credentials), however many GitSources name it: a check younger than the caller's
// interval is shared, a check in flight is joined, and a failed check is shared too (so ten sources of one
// unreachable repository knock once per interval, not ten times).
import { errorMessage } from '../../errors/index.js';
import { credentialsKey } from './auth.js';
import type { FetchRequest, GitCache } from './git.js';
import { gitRequests } from './metrics.js';
import { describeRef } from './ref.js';

export interface FetchResult {
  commit: string;
  /** The checked-out tree of `commit`. */
  dir: string;
  /** When this commit was first fetched (the same for every source sharing the fetch). */
  fetchedAt: Date;
}

interface Entry {
  checkedAt: number;
  result?: FetchResult;
  error?: unknown;
}

export interface FetcherStats {
  lsRemotes: number;
  fetches: number;
}

/** The key that decides sharing: URL, ref and a digest of the credentials. */
export function fetchKey(req: Pick<FetchRequest, 'url' | 'ref' | 'credentials'>): string {
  return `${req.url}#${describeRef(req.ref)}#${credentialsKey(req.credentials)}`;
}

async function counted<T>(op: 'ls-remote' | 'fetch', p: Promise<T>): Promise<T> {
  try {
    const v = await p;
    gitRequests.labels(op, 'ok').inc();
    return v;
  } catch (err) {
    gitRequests.labels(op, 'error').inc();
    throw err;
  }
}

export class SourceFetcher {
  private readonly last = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<FetchResult>>();
  private readonly counts = new Map<string, FetcherStats>();

  constructor(
    private readonly git: GitCache,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The newest commit of the request's ref, checked out. Reuses a check made less than `maxAgeMs` ago (pass 0
   * to force a new one, e.g. for a webhook) and joins one in flight.
   */
  resolve(req: FetchRequest, maxAgeMs: number): Promise<FetchResult> {
    const key = fetchKey(req);
    const running = this.inflight.get(key);
    if (running) return running;
    const prev = this.last.get(key);
    if (prev && this.now() - prev.checkedAt < maxAgeMs) return prev.error !== undefined ? Promise.reject(prev.error instanceof Error ? prev.error : new Error(errorMessage(prev.error))) : Promise.resolve(prev.result!);
    const p = this.check(key, req, prev?.result).then(
      (result) => {
        this.last.set(key, { checkedAt: this.now(), result });
        return result;
      },
      (error: unknown) => {
        this.last.set(key, { checkedAt: this.now(), error, ...(prev?.result ? { result: prev.result } : {}) });
        throw error;
      },
    );
    const tracked = p.finally(() => this.inflight.delete(key));
    this.inflight.set(key, tracked);
    return tracked;
  }

  /** How often each key went to the server (ls-remote and fetch), for tests and metrics. */
  stats(key: string): FetcherStats {
    return { ...(this.counts.get(key) ?? { lsRemotes: 0, fetches: 0 }) };
  }

  /** Forgets keys no source uses any more. */
  retain(keys: Set<string>): void {
    for (const k of [...this.last.keys()]) if (!keys.has(k)) this.last.delete(k);
    for (const k of [...this.counts.keys()]) if (!keys.has(k)) this.counts.delete(k);
  }

  private count(key: string, what: keyof FetcherStats): void {
    const c = this.counts.get(key) ?? { lsRemotes: 0, fetches: 0 };
    c[what]++;
    this.counts.set(key, c);
  }

  private async check(key: string, req: FetchRequest, prev: FetchResult | undefined): Promise<FetchResult> {
    let head: string | undefined;
    if (req.ref.kind !== 'commit') {
      this.count(key, 'lsRemotes');
      head = await counted('ls-remote', this.git.lsRemote(req));
      // The tree may have been pruned since: checkout makes it again from the cache (and is cheap when it exists).
      if (prev && head === prev.commit) return { ...prev, dir: await this.git.checkout(req.url, prev.commit) };
    } else if (prev && prev.commit.startsWith(req.ref.name)) {
      return { ...prev, dir: await this.git.checkout(req.url, prev.commit) };
    }
    this.count(key, 'fetches');
    const commit = await counted('fetch', this.git.fetch(req, head));
    const dir = await this.git.checkout(req.url, commit);
    return { commit, dir, fetchedAt: new Date(this.now()) };
  }
}
