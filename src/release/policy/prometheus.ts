/**
 * One instant query against a Prometheus HTTP API (`GET /api/v1/query`). Returns the first sample's value, or
 * null when the result is empty. Throws on HTTP or API errors (the caller records them as a failed sample).
 */
export async function queryPrometheus(baseUrl: string, query: string, signal?: AbortSignal, timeoutMs = 5000): Promise<number | null> {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(query)}`;
  const timeout = AbortSignal.timeout(timeoutMs);
  const res = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  const body = (await res.json()) as PromResponse;
  if (!res.ok || body.status !== 'success') {
    throw new Error(`prometheus ${url}: HTTP ${res.status}${body.error ? `: ${body.error}` : ''}`);
  }
  return firstValue(body.data);
}

interface PromResponse {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: unknown };
}

/** The first value of a vector, scalar or matrix result; null when there is none. */
export function firstValue(data: PromResponse['data']): number | null {
  const r = data?.result;
  if (data?.resultType === 'scalar' && Array.isArray(r)) return Number(r[1]);
  if (!Array.isArray(r) || r.length === 0) return null;
  const first = r[0] as { value?: [number, string]; values?: [number, string][] };
  if (first.value) return Number(first.value[1]);
  const last = first.values?.[first.values.length - 1];
  return last ? Number(last[1]) : null;
}
