/**
 * How the console's API reports errors: always `{code, message, hint}` from the one catalogue, with the HTTP
 * status of the API server's own answer when Kubernetes refused (a 403 names the verb and the resource).
 */
import { asPlinthError, PlinthError } from '../../errors/index.js';
import { KubeApiError } from '../../kube/api-error.js';

export interface ErrorBody {
  code: string;
  message: string;
  hint: string;
  /** On a refusal by RBAC: what the user lacks, as the API server said it. */
  denied?: { verb: string; resource: string; group: string; namespace: string | null };
}

/** Pure: the verb and resource of an RBAC refusal, read from the Status message (`cannot VERB resource "R" in API group "G"`). */
export function deniedOf(err: KubeApiError): ErrorBody['denied'] {
  const msg = err.statusObject?.message ?? '';
  const m = /cannot (\w+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/.exec(msg);
  if (!m) return undefined;
  return { verb: m[1]!, resource: m[2]!, group: m[3]!, namespace: m[4] ?? null };
}

/** Pure: the status and body for anything thrown. */
export function errorReply(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof KubeApiError) {
    const denied = err.status === 403 ? deniedOf(err) : undefined;
    const apiMessage = err.statusObject?.message;
    return {
      status: err.status >= 400 && err.status < 600 ? err.status : 502,
      body: {
        code: err.code,
        message: apiMessage && apiMessage !== '' ? apiMessage : err.message,
        hint: err.hint,
        ...(denied ? { denied } : {}),
      },
    };
  }
  const pe = err instanceof PlinthError ? err : asPlinthError(err);
  return { status: pe.httpStatus, body: { code: pe.code, message: pe.message, hint: pe.hint } };
}
