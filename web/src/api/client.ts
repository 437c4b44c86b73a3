/**
 * The console API client: JSON over fetch with the session cookie, the `X-Plinth-CSRF` header on every write,
 * and the API's `{code, message, hint, denied?}` errors as ApiError.
 */
export interface Denied {
  verb: string;
  resource: string;
  group: string;
  namespace: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint: string,
    readonly denied?: Denied,
  ) {
    super(message);
  }
}

let csrfToken = '';
/** Listeners told when the API answers 401 (the session ended): the app goes to /signin. */
const unauthorized = new Set<() => void>();

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function onUnauthorized(fn: () => void): () => void {
  unauthorized.add(fn);
  return () => unauthorized.delete(fn);
}

interface ErrorBody {
  code?: string;
  message?: string;
  hint?: string;
  denied?: Denied;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-plinth-csrf'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', err instanceof Error ? err.message : String(err), '');
  }
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text === '' ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const e = (data ?? {}) as ErrorBody;
    if (res.status === 401 && path !== '/api/v1/session') for (const fn of unauthorized) fn();
    throw new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? (text.slice(0, 300) || res.statusText), e.hint ?? '', e.denied);
  }
  return data as T;
}

export function apiGet<T>(path: string): Promise<T> {
  return request<T>('GET', path);
}

export function apiPost<T>(path: string, body?: unknown): Promise<T> {
  return request<T>('POST', path, body);
}

export function apiDelete<T>(path: string): Promise<T> {
  return request<T>('DELETE', path);
}

/** Pure: a query string of the set values (`?a=1&b=x`, or '' when none). */
export function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
