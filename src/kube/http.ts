import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { PlinthError, errorMessage } from '../errors/index.js';
import { sleep } from './clock.js';
import { onAbort } from './abort-fanout.js';
import { KubeApiError, type KubeStatus } from './api-error.js';
import { LineSplitter } from './lines.js';
import { describeTarget, resourcePath, type KubeObject, type ResourceRef } from './resource.js';
import { kubeRequestDuration } from './metrics.js';

/** Content types of the four PATCH flavours the API server accepts. */
export const PATCH_CONTENT_TYPES = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;
export type PatchType = keyof typeof PATCH_CONTENT_TYPES;

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  /** Serialized with JSON.stringify unless already a string. */
  body?: unknown;
  contentType?: string;
  /** Accept header (default application/json), e.g. the Table form kubectl uses. */
  accept?: string;
  signal?: AbortSignal;
  /** Whole-request deadline in ms (default: the client's requestTimeoutMs). 0 disables it. */
  timeoutMs?: number;
  /** For error messages, e.g. `configmaps default/foo`. */
  target?: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  /** Default true. */
  allowWatchBookmarks?: boolean;
  /** Server-side end of the watch; the server closes the stream cleanly after this. */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export interface WriteOptions {
  fieldManager?: string;
  dryRun?: boolean;
  /**
   * How the server treats unknown and duplicate fields (server default Warn). For server-side apply,
   * unknown fields fail the typed conversion whatever this says; Warn and Strict add a second, strict
   * YAML parse of the body only to find duplicate keys, which a body made by JSON.stringify cannot have.
   */
  fieldValidation?: 'Ignore' | 'Warn' | 'Strict';
  subresource?: string;
  signal?: AbortSignal;
}

export interface PatchOptions extends WriteOptions {
  /** Server-side apply only: take ownership of conflicting fields. */
  force?: boolean;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  signal?: AbortSignal;
}

export interface KubeList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  /** The object; for ERROR events a Status (see `KubeApiError.fromStatus`). */
  object: T;
}

export interface KubeClientOptions {
  /** Default deadline of non-watch requests in ms (default 60 000). */
  requestTimeoutMs?: number;
  /** Max concurrent sockets for ordinary requests (default 64); watches have their own pool. */
  maxSockets?: number;
  userAgent?: string;
}

interface Transport {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
  basePath: string;
  tls: https.RequestOptions;
  /** An array value is sent as one header line per element (e.g. Impersonate-Group). */
  headers: Record<string, string | string[]>;
  auth: string | undefined;
  agent: http.Agent;
  watchAgent: http.Agent;
}

/**
 * A small HTTP(S) client for the Kubernetes API, configured from a KubeConfig (server, CA,
 * client certificate, bearer token, insecure flag, exec/auth-provider credentials via
 * client-node). Keep-alive sockets, JSON in and out, streaming watches, typed errors.
 */
export class KubeClient {
  readonly server: string;
  private readonly requestTimeoutMs: number;
  private authRefreshedAt = 0;
  private readonly dynamicAuth: boolean;

  private constructor(
    private readonly kc: KubeConfig,
    private t: Transport,
    opts: KubeClientOptions,
  ) {
    this.server = `${t.protocol}//${t.hostname}:${t.port}${t.basePath}`;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
    const user = kc.getCurrentUser();
    this.dynamicAuth = Boolean(user?.exec || user?.authProvider);
    this.authRefreshedAt = Date.now();
  }

  static async fromKubeConfig(kc: KubeConfig, opts: KubeClientOptions = {}): Promise<KubeClient> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new PlinthError('KUBECONFIG_INVALID', { path: '(in memory)', detail: 'no current cluster' });
    const url = new URL(cluster.server);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new PlinthError('KUBECONFIG_INVALID', { path: '(in memory)', detail: `unsupported server URL ${cluster.server}` });
    }
    const applied = await applyKubeConfig(kc);
    const agentOpts = {
      keepAlive: true,
      ca: applied.ca,
      cert: applied.cert,
      key: applied.key,
      rejectUnauthorized: applied.rejectUnauthorized,
      servername: applied.servername,
    };
    const mk = (maxSockets: number): http.Agent =>
      cluster.proxyUrl && applied.agent
        ? (applied.agent as http.Agent)
        : url.protocol === 'https:'
          ? new https.Agent({ ...agentOpts, maxSockets })
          : new http.Agent({ keepAlive: true, maxSockets });
    const t: Transport = {
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
      basePath: url.pathname.replace(/\/+$/, ''),
      tls: { ca: applied.ca, cert: applied.cert, key: applied.key, rejectUnauthorized: applied.rejectUnauthorized, servername: applied.servername },
      headers: {
        Accept: 'application/json',
        'User-Agent': opts.userAgent ?? 'plinth/0.1',
        ...(applied.headers as Record<string, string>),
      },
      auth: applied.auth ?? undefined,
      agent: mk(opts.maxSockets ?? 64),
      watchAgent: mk(Infinity),
    };
    return new KubeClient(kc, t, opts);
  }

  /**
   * A view of this client that adds `extra` headers to every request (an array value: one header line per
   * element), e.g. `Impersonate-User` and `Impersonate-Group`. It shares this client's sockets and credentials;
   * closing either closes both.
   */
  withHeaders(extra: Readonly<Record<string, string | readonly string[]>>): KubeClient {
    const headers: Record<string, string | string[]> = { ...this.t.headers };
    for (const [k, v] of Object.entries(extra)) headers[k] = typeof v === 'string' ? v : [...v];
    return new KubeClient(this.kc, { ...this.t, headers }, { requestTimeoutMs: this.requestTimeoutMs });
  }

  /** Close idle sockets. In-flight requests and watches are not interrupted. */
  close(): void {
    this.t.agent.destroy();
    this.t.watchAgent.destroy();
  }

  get<T = KubeObject>(r: ResourceRef, name: string, opts: { subresource?: string; signal?: AbortSignal } = {}): Promise<T> {
    return this.request<T>({ method: 'GET', path: resourcePath(r, name, opts.subresource), signal: opts.signal, target: describeTarget(r, name) });
  }

  list<T = KubeObject>(r: ResourceRef, opts: ListOptions = {}): Promise<KubeList<T>> {
    return this.request<KubeList<T>>({
      method: 'GET',
      path: resourcePath(r),
      query: {
        labelSelector: opts.labelSelector,
        fieldSelector: opts.fieldSelector,
        limit: opts.limit,
        continue: opts.continue,
        resourceVersion: opts.resourceVersion,
        resourceVersionMatch: opts.resourceVersionMatch,
      },
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      target: describeTarget(r),
    });
  }

  create<T = KubeObject>(r: ResourceRef, obj: unknown, opts: WriteOptions = {}): Promise<T> {
    return this.request<T>({
      method: 'POST',
      path: resourcePath(r),
      query: writeQuery(opts),
      body: obj,
      contentType: 'application/json',
      signal: opts.signal,
      target: describeTarget(r, (obj as KubeObject)?.metadata?.name),
    });
  }

  /** PUT the whole object (optimistic concurrency via metadata.resourceVersion). */
  replace<T = KubeObject>(r: ResourceRef, name: string, obj: unknown, opts: WriteOptions = {}): Promise<T> {
    return this.request<T>({
      method: 'PUT',
      path: resourcePath(r, name, opts.subresource),
      query: writeQuery(opts),
      body: obj,
      contentType: 'application/json',
      signal: opts.signal,
      target: describeTarget(r, name),
    });
  }

  patch<T = KubeObject>(r: ResourceRef, name: string, patch: unknown, type: PatchType, opts: PatchOptions = {}): Promise<T> {
    return this.request<T>(patchRequest(r, name, patch, type, opts));
  }

  /** `patch` for bulk writers that only need to know it succeeded: the response body is not parsed. */
  async patchNoResult(r: ResourceRef, name: string, patch: unknown, type: PatchType, opts: PatchOptions = {}): Promise<void> {
    await this.requestRaw(patchRequest(r, name, patch, type, opts));
  }

  delete<T = KubeObject | KubeStatus>(r: ResourceRef, name: string, opts: DeleteOptions = {}): Promise<T> {
    const hasBody = opts.propagationPolicy !== undefined || opts.gracePeriodSeconds !== undefined || opts.preconditions !== undefined;
    return this.request<T>({
      method: 'DELETE',
      path: resourcePath(r, name),
      body: hasBody
        ? { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: opts.propagationPolicy, gracePeriodSeconds: opts.gracePeriodSeconds, preconditions: opts.preconditions }
        : undefined,
      contentType: hasBody ? 'application/json' : undefined,
      signal: opts.signal,
      target: describeTarget(r, name),
    });
  }

  /**
   * Open a watch and yield its events as they arrive, one parsed line at a time. The generator
   * returns when the server ends the stream (e.g. after timeoutSeconds) and throws on HTTP
   * errors (KubeApiError), broken connections (KUBE_UNREACHABLE) or abort (the signal's reason).
   * ERROR events are yielded as they are; the caller decides (410 ⇒ relist).
   */
  async *watch<T = KubeObject>(r: ResourceRef, opts: WatchOptions = {}): AsyncGenerator<WatchEvent<T>, void, undefined> {
    const target = describeTarget(r);
    const query: Query = {
      watch: 1,
      resourceVersion: opts.resourceVersion,
      allowWatchBookmarks: opts.allowWatchBookmarks ?? true,
      timeoutSeconds: opts.timeoutSeconds,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
    };
    const { req, res } = await this.open({ method: 'GET', path: resourcePath(r), query, signal: opts.signal, target }, true);
    const abort = (): void => {
      res.destroy(abortError(opts.signal!));
    };
    const offAbort = onAbort(opts.signal, abort);
    if (opts.signal?.aborted) abort();
    try {
      if ((res.statusCode ?? 0) !== 200) {
        const body = await readBody(res);
        throw KubeApiError.fromResponse(res.statusCode ?? 0, body.toString('utf8'), 'watch', target);
      }
      res.setEncoding('utf8');
      const lines = new LineSplitter();
      try {
        for await (const chunk of res as AsyncIterable<string>) {
          for (const line of lines.push(chunk)) yield JSON.parse(line) as WatchEvent<T>;
        }
      } catch (err) {
        throw this.transportError(err, opts.signal, 'watch', target);
      }
      if (!res.complete) throw this.transportError(new Error('watch stream ended before completion'), opts.signal, 'watch', target);
      const rest = lines.end();
      if (rest !== undefined) yield JSON.parse(rest) as WatchEvent<T>;
    } finally {
      offAbort();
      res.destroy();
      req.destroy();
    }
  }

  /** A JSON request; resolves with the parsed body (undefined for an empty body). */
  async request<T>(opts: RequestOptions): Promise<T> {
    const body = await this.requestRaw(opts);
    return (body.length === 0 ? undefined : JSON.parse(body.toString('utf8'))) as T;
  }

  /**
   * Like `request` but resolves with the raw body of a 2xx response. `onPrefix` is called once
   * with the first bytes of that body as soon as they arrive (the list pager reads the continue
   * token from it to ask for the next page while this one is still arriving).
   */
  async requestRaw(opts: RequestOptions, onPrefix?: (prefix: Buffer) => void): Promise<Buffer> {
    const verb = opts.method.toLowerCase();
    const target = opts.target ?? opts.path;
    const started = performance.now();
    let attempt = 0;
    let authRetried = false;
    for (;;) {
      attempt++;
      let code = 'error';
      try {
        const { res } = await this.open(opts, false);
        const status = res.statusCode ?? 0;
        code = String(status);
        const ok = status >= 200 && status < 300;
        const body = await readBody(res, ok ? onPrefix : undefined).catch((err: unknown) => {
          throw this.transportError(err, opts.signal, verb, target);
        });
        if (ok) return body;
        const err = KubeApiError.fromResponse(status, body.toString('utf8'), verb, target);
        if (status === 401 && this.dynamicAuth && !authRetried) {
          authRetried = true;
          await this.refreshAuth();
          continue;
        }
        if (status === 429 && attempt < 5) {
          const retryAfter = Number(res.headers['retry-after'] ?? err.statusObject?.details?.retryAfterSeconds ?? 1);
          await sleep(Math.min(10, Math.max(0.1, retryAfter)) * 1000, opts.signal);
          continue;
        }
        throw err;
      } catch (err) {
        if (isRetryableReset(err) && attempt < 3) continue;
        throw err;
      } finally {
        kubeRequestDuration.labels(verb, code).observe((performance.now() - started) / 1000);
      }
    }
  }

  /** Send a request and resolve once response headers arrive. */
  private async open(opts: RequestOptions, isWatch: boolean): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
    if (this.dynamicAuth && Date.now() - this.authRefreshedAt > 60_000) await this.refreshAuth();
    const t = this.t;
    const verb = isWatch ? 'watch' : opts.method.toLowerCase();
    const target = opts.target ?? opts.path;
    const payload =
      opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const headers: Record<string, string | string[] | number> = { ...t.headers };
    if (opts.accept !== undefined) headers.Accept = opts.accept;
    if (payload !== undefined) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const reqOpts: https.RequestOptions = {
      ...t.tls,
      method: opts.method,
      hostname: t.hostname,
      port: t.port,
      path: t.basePath + opts.path + queryString(opts.query),
      headers,
      auth: t.auth,
      agent: isWatch ? t.watchAgent : t.agent,
    };
    const timeoutMs = isWatch ? 0 : (opts.timeoutMs ?? this.requestTimeoutMs);
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(abortError(opts.signal));
        return;
      }
      const mod = t.protocol === 'https:' ? https : http;
      const req = mod.request(reqOpts);
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      let offAbort = (): void => undefined;
      const cleanup = (): void => {
        if (timer) clearTimeout(timer);
        offAbort();
      };
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          req.destroy(new PlinthError('TIMEOUT', { seconds: timeoutMs / 1000, what: `${verb} ${target}`, fix: 'check the API server is healthy' }));
        }, timeoutMs);
      }
      // One listener on the caller's signal however many requests share it (see abort-fanout.ts).
      offAbort = onAbort(opts.signal, () => req.destroy(abortError(opts.signal!)));
      req.on('response', (res) => {
        settled = true;
        // For ordinary requests keep the deadline and abort wiring until the body is read.
        if (isWatch) {
          cleanup();
        } else {
          res.once('close', cleanup);
        }
        resolve({ req, res });
      });
      req.on('error', (err) => {
        cleanup();
        if (!settled) {
          settled = true;
          const e = this.transportError(err, opts.signal, verb, target);
          if (req.reusedSocket && isConnReset(err) && !opts.signal?.aborted) (e as { retryableReset?: boolean }).retryableReset = true;
          reject(e);
        }
      });
      if (payload !== undefined) req.end(payload);
      else req.end();
    });
  }

  private transportError(err: unknown, signal: AbortSignal | undefined, verb: string, target: string): Error {
    if (signal?.aborted) return abortError(signal);
    if (err instanceof PlinthError) return err;
    const detail = err instanceof Error ? `${(err as NodeJS.ErrnoException).code ?? err.name}: ${err.message}` : String(err);
    return new PlinthError('KUBE_UNREACHABLE', { server: this.server, detail: `${verb} ${target}: ${detail}` }, { cause: err });
  }

  private async refreshAuth(): Promise<void> {
    const applied = await applyKubeConfig(this.kc);
    this.t = { ...this.t, headers: { ...this.t.headers, ...(applied.headers as Record<string, string>) }, auth: applied.auth ?? undefined };
    this.authRefreshedAt = Date.now();
  }
}

/** Let client-node fill TLS material and auth headers (token, exec plugins, auth providers). */
async function applyKubeConfig(kc: KubeConfig): Promise<https.RequestOptions> {
  const opts: https.RequestOptions = { headers: {} };
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (err) {
    // client-node refuses plain-http servers without skipTLSVerify when building its agent,
    // after it has already applied auth; Plinth builds its own agent, so that is fine.
    if (!kc.getCurrentCluster()?.server.startsWith('http:')) {
      throw new PlinthError('KUBECONFIG_INVALID', { path: '(in memory)', detail: errorMessage(err) }, { cause: err });
    }
  }
  return opts;
}

function patchRequest(r: ResourceRef, name: string, patch: unknown, type: PatchType, opts: PatchOptions): RequestOptions {
  return {
    method: 'PATCH',
    path: resourcePath(r, name, opts.subresource),
    query: { ...writeQuery(opts), force: type === 'apply' && opts.force ? true : undefined },
    body: patch,
    contentType: PATCH_CONTENT_TYPES[type],
    signal: opts.signal,
    target: describeTarget(r, name),
  };
}

function writeQuery(opts: WriteOptions): Query {
  return { fieldManager: opts.fieldManager, dryRun: opts.dryRun ? 'All' : undefined, fieldValidation: opts.fieldValidation };
}

export function queryString(q: Query | undefined): string {
  if (!q) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === '') continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

const PREFIX_BYTES = 2048;

function readBody(res: http.IncomingMessage, onPrefix?: (prefix: Buffer) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let prefixSent = onPrefix === undefined;
    const body = (): Buffer => (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    res.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (!prefixSent && size >= PREFIX_BYTES) {
        prefixSent = true;
        onPrefix!(chunks.length === 1 ? c : Buffer.concat(chunks, size));
      }
    });
    res.on('end', () => {
      const b = body();
      if (!prefixSent) onPrefix!(b);
      resolve(b);
    });
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('response aborted')));
  });
}

function abortError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return r instanceof Error ? r : new DOMException('The operation was aborted', 'AbortError');
}

function isConnReset(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

function isRetryableReset(err: unknown): boolean {
  return Boolean((err as { retryableReset?: boolean })?.retryableReset);
}
