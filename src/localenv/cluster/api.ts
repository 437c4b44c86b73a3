import https from 'node:https';
import http from 'node:http';

/** Minimal JSON client for the local API server (admin client certificate) and health endpoints. */
export interface Tls {
  ca: string;
  cert: string;
  key: string;
}

export interface HttpResult {
  status: number;
  body: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    body: string,
  ) {
    super(`${method} ${path}: HTTP ${status}: ${body.slice(0, 300)}`);
    this.name = 'ApiError';
  }
}

/** One HTTP(S) request with a timeout; never throws on HTTP status, only on transport errors. */
export function request(
  url: string,
  opts: { method?: string; body?: unknown; contentType?: string; tls?: Tls; insecure?: boolean; timeoutMs?: number } = {},
): Promise<HttpResult> {
  const u = new URL(url);
  const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (payload !== undefined) {
    headers['content-type'] = opts.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const base = { method: opts.method ?? 'GET', headers, timeout: opts.timeoutMs ?? 10_000 };
    const onRes = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    };
    const req =
      u.protocol === 'https:'
        ? https.request(u, {
            ...base,
            ca: opts.tls?.ca,
            cert: opts.tls?.cert,
            key: opts.tls?.key,
            rejectUnauthorized: !opts.insecure,
            agent: false,
          }, onRes)
        : http.request(u, { ...base, agent: false }, onRes);
    req.on('timeout', () => req.destroy(new Error(`request to ${u.host}${u.pathname} timed out`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export const PATCH = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
} as const;

/** A tiny typed wrapper around `request` bound to one API server and identity. */
export class Api {
  constructor(
    readonly server: string,
    private readonly tls: Tls,
  ) {}

  async call<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await request(this.server + path, { method, body, contentType, tls: this.tls, timeoutMs: 30_000 });
    if (res.status < 200 || res.status >= 300) throw new ApiError(res.status, method, path, res.body);
    return JSON.parse(res.body) as T;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  patch<T = unknown>(path: string, body: unknown, type: keyof typeof PATCH = 'strategic'): Promise<T> {
    return this.call<T>('PATCH', path, body, PATCH[type]);
  }

  delete<T = unknown>(path: string): Promise<T> {
    return this.call<T>('DELETE', path);
  }
}
