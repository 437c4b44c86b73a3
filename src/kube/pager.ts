import type { KubeClient, KubeList } from './http.js';
import { describeTarget, resourcePath, type KubeObject, type ResourceRef } from './resource.js';

export interface PageOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Items per page (default 500). */
  limit?: number;
  /** Only for the first page (the API refuses it together with a continue token). */
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  signal?: AbortSignal;
  /** Deadline per page request (ms). */
  timeoutMs?: number;
  /**
   * Ask for page N+1 as soon as page N's first bytes (which carry the continue token) arrive,
   * so the server prepares the next page while this one is transferred and parsed (default true).
   */
  prefetch?: boolean;
}

interface InFlight {
  /** The continue token read from the body's first bytes: a token, '' (last page), or null (unknown yet). */
  token: Promise<string | null>;
  body: Promise<Buffer>;
  abort(): void;
}

/**
 * A paginated list (limit/continue) yielding one parsed page at a time. With prefetch the next
 * page is requested while the current one is still arriving; a wrong guess of the token is
 * corrected from the parsed page. Errors (e.g. 410 for an expired token) propagate; leaving the
 * loop early aborts the request in flight.
 */
export async function* listPages<T = KubeObject>(client: KubeClient, r: ResourceRef, opts: PageOptions = {}): AsyncGenerator<KubeList<T>, void, undefined> {
  const prefetch = opts.prefetch ?? true;
  const start = (cont: string | undefined): InFlight => {
    const ac = new AbortController();
    const onOuter = (): void => ac.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onOuter, { once: true });
    if (opts.signal?.aborted) onOuter();
    let resolveToken!: (t: string | null) => void;
    const token = new Promise<string | null>((res) => {
      resolveToken = res;
    });
    const body = client.requestRaw(
      {
        method: 'GET',
        path: resourcePath(r),
        query: {
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit: opts.limit ?? 500,
          continue: cont,
          resourceVersion: cont === undefined ? opts.resourceVersion : undefined,
          resourceVersionMatch: cont === undefined ? opts.resourceVersionMatch : undefined,
        },
        signal: ac.signal,
        timeoutMs: opts.timeoutMs,
        target: describeTarget(r),
      },
      prefetch ? (prefix) => resolveToken(continueFromPrefix(prefix)) : undefined,
    );
    // Settle the token on every path, stop listening to the outer signal, and mark a prefetched
    // body that nobody awaits as handled.
    const settle = (): void => {
      resolveToken(null);
      opts.signal?.removeEventListener('abort', onOuter);
    };
    body.then(settle, settle);
    return {
      token,
      body,
      abort: () => {
        opts.signal?.removeEventListener('abort', onOuter);
        ac.abort(new Error('page no longer needed'));
      },
    };
  };

  let cur: InFlight | undefined = start(undefined);
  try {
    while (cur) {
      const guess: string | null = prefetch ? await cur.token : null;
      let next: InFlight | undefined = guess ? start(guess) : undefined;
      let page: KubeList<T>;
      try {
        page = JSON.parse((await cur.body).toString('utf8')) as KubeList<T>;
      } catch (err) {
        next?.abort();
        throw err;
      }
      const real = page.metadata?.continue || undefined;
      if (real !== (guess || undefined)) {
        next?.abort();
        next = real !== undefined ? start(real) : undefined;
      }
      cur = next;
      yield page;
    }
  } finally {
    cur?.abort();
  }
}

const LIST_PREFIX = /^\s*\{\s*"kind"\s*:\s*"[^"]*"\s*,\s*"apiVersion"\s*:\s*"[^"]*"\s*,\s*"metadata"\s*:\s*(\{[^{}]*\})/;

/**
 * Read the list metadata's continue token from the first bytes of a list response: a token,
 * '' when the metadata has none (last page), or null when the prefix does not show it.
 */
export function continueFromPrefix(prefix: Buffer | string): string | null {
  const text = typeof prefix === 'string' ? prefix : prefix.subarray(0, 4096).toString('latin1');
  const m = LIST_PREFIX.exec(text);
  if (!m) return null;
  try {
    const meta = JSON.parse(m[1]!) as { continue?: unknown };
    return typeof meta.continue === 'string' ? meta.continue : '';
  } catch {
    return null;
  }
}
