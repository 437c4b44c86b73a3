import { PlinthError } from '../errors/index.js';

/** The `Status` object the API server returns with errors (and in watch ERROR events). */
export interface KubeStatus {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ reason?: string; message?: string; field?: string }>; retryAfterSeconds?: number };
}

/**
 * A failed Kubernetes API call: HTTP `status` (or the Status `code` of a watch ERROR event),
 * the machine-readable `reason` (e.g. `Conflict`, `Expired`, `NotFound`) and the server's
 * `apiMessage`. It is a PlinthError with code KUBE_API, so users see one line with a hint.
 */
export class KubeApiError extends PlinthError {
  readonly status: number;
  readonly reason: string;
  readonly apiMessage: string;
  readonly verb: string;
  readonly target: string;
  readonly statusObject: KubeStatus | undefined;

  constructor(
    init: { status: number; reason?: string; message?: string; verb: string; target: string; statusObject?: KubeStatus },
    options?: { cause?: unknown },
  ) {
    const reason = init.reason || reasonForStatus(init.status);
    const apiMessage = init.message ?? '';
    super(
      'KUBE_API',
      { verb: init.verb, target: init.target, status: init.status, reason, detail: apiMessage || '(no message)', fix: fixFor(init.status) },
      options,
    );
    this.name = 'KubeApiError';
    this.status = init.status;
    this.reason = reason;
    this.apiMessage = apiMessage;
    this.verb = init.verb;
    this.target = init.target;
    this.statusObject = init.statusObject;
  }

  /** Build from an HTTP status and a response body that may or may not be a Status object. */
  static fromResponse(status: number, body: string, verb: string, target: string): KubeApiError {
    let obj: KubeStatus | undefined;
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object') obj = parsed;
    } catch {
      obj = undefined;
    }
    const message = obj?.message ?? body.trim().slice(0, 500);
    return new KubeApiError({ status, reason: obj?.reason, message, verb, target, statusObject: obj });
  }

  /** Build from the Status object of a watch ERROR event. */
  static fromStatus(status: KubeStatus, verb: string, target: string): KubeApiError {
    return new KubeApiError({
      status: status.code ?? 500,
      reason: status.reason,
      message: status.message,
      verb,
      target,
      statusObject: status,
    });
  }
}

function reasonForStatus(status: number): string {
  switch (status) {
    case 400: return 'BadRequest';
    case 401: return 'Unauthorized';
    case 403: return 'Forbidden';
    case 404: return 'NotFound';
    case 405: return 'MethodNotAllowed';
    case 409: return 'Conflict';
    case 410: return 'Expired';
    case 415: return 'UnsupportedMediaType';
    case 422: return 'Invalid';
    case 429: return 'TooManyRequests';
    case 500: return 'InternalError';
    case 503: return 'ServiceUnavailable';
    case 504: return 'Timeout';
    default: return `HTTP${status}`;
  }
}

function fixFor(status: number): string {
  if (status === 401) return 'check the credentials in your kubeconfig';
  if (status === 403) return 'grant the missing RBAC permission to this identity';
  if (status === 404) return 'check that the object exists and that its CRD is installed';
  if (status === 409) return 'the object changed or already exists; retry with a fresh copy';
  if (status === 410) return 'the resource version is too old; list again';
  if (status === 422 || status === 400) return 'fix the object so that it passes validation';
  if (status === 429 || status >= 500) return 'the API server is overloaded or failing; retry later';
  return 'see the API server message';
}

export function isKubeApiError(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError;
}
export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 404;
}
export function isConflict(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 409 && err.reason !== 'AlreadyExists';
}
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof KubeApiError && err.status === 409 && err.reason === 'AlreadyExists';
}
/** 410 Gone / Expired: the requested resourceVersion (or continue token) is no longer available. */
export function isGone(err: unknown): boolean {
  return err instanceof KubeApiError && (err.status === 410 || err.reason === 'Expired' || err.reason === 'Gone');
}

const TRANSIENT_NET = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/**
 * A failure a busy or restarting API server gives now and probably not a moment later: a 5xx, a 429
 * (API priority and fairness), a request that timed out on the client (PlinthError TIMEOUT), or a
 * connection reset or refused (KUBE_UNREACHABLE, or a raw socket error). Worth retrying with a backoff;
 * anything else is an answer.
 */
export function isTransientApiError(err: unknown): boolean {
  if (err instanceof KubeApiError) return err.status >= 500 || err.status === 429;
  if (err instanceof PlinthError) return err.code === 'TIMEOUT' || err.code === 'KUBE_UNREACHABLE';
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_NET.has(code);
}
