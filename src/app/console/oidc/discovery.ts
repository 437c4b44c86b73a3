/**
 * The issuer's metadata (`ISSUER/.well-known/openid-configuration`) and signing keys (its `jwks_uri`), read
 * with fetch. The keys are cached and read again when a token names a key id the console does not know yet
 * (the issuer rotated its keys), at most once every 10 seconds.
 */
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { errorMessage, PlinthError } from '../../../errors/index.js';
import { keyOfJwk } from './jwt.js';

export interface IssuerMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  token_endpoint_auth_methods_supported?: string[];
  code_challenge_methods_supported?: string[];
  id_token_signing_alg_values_supported?: string[];
}

export type FetchFn = typeof fetch;
const TIMEOUT_MS = 10_000;

/** Pure: the discovery URL of an issuer (OpenID Connect Discovery 1.0, section 4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

async function getJson(fetchFn: FetchFn, url: string, issuer: string, what: string): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetchFn(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new PlinthError('CONSOLE_OIDC_ISSUER', { issuer, detail: `${what} ${url} could not be read (${errorMessage(err)})` }, { cause: err });
  }
  if (!res.ok) throw new PlinthError('CONSOLE_OIDC_ISSUER', { issuer, detail: `${what} ${url} answered HTTP ${res.status}` });
  try {
    const body = (await res.json());
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new PlinthError('CONSOLE_OIDC_ISSUER', { issuer, detail: `${what} ${url} is not a JSON object` });
}

/** Pure: the metadata if it is usable for the code flow with PKCE S256, else CONSOLE_OIDC_ISSUER naming what is missing. */
export function checkMetadata(issuer: string, m: Record<string, unknown>): IssuerMetadata {
  if (m.issuer !== issuer) throw new PlinthError('CONSOLE_OIDC_ISSUER', { issuer, detail: `its discovery document names the issuer "${String(m.issuer)}"` });
  for (const f of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
    if (typeof m[f] !== 'string' || m[f] === '') throw new PlinthError('CONSOLE_OIDC_ISSUER', { issuer, detail: `its discovery document has no ${f}` });
  }
  const methods = m.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256')) throw new PlinthError('CONSOLE_OIDC_ISSUER', { issuer, detail: `it does not support PKCE S256 (code_challenge_methods_supported: ${methods.join(', ')})` });
  return m as unknown as IssuerMetadata;
}

/** Reads and checks the issuer's discovery document. */
export async function discover(issuer: string, fetchFn: FetchFn = fetch): Promise<IssuerMetadata> {
  return checkMetadata(issuer, await getJson(fetchFn, discoveryUrl(issuer), issuer, 'the discovery document'));
}

interface Jwk extends JsonWebKey {
  kid?: string;
  use?: string;
  alg?: string;
}

/** The issuer's signing keys. */
export class IssuerKeys {
  private keys: Array<{ kid: string | undefined; alg: string | undefined; key: KeyObject }> = [];
  private readAt = 0;

  constructor(
    private readonly issuer: string,
    private readonly jwksUri: string,
    private readonly fetchFn: FetchFn = fetch,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the key set again. */
  async refresh(): Promise<void> {
    const body = await getJson(this.fetchFn, this.jwksUri, this.issuer, 'the key set');
    const list = Array.isArray(body.keys) ? (body.keys as Jwk[]) : [];
    const keys: typeof this.keys = [];
    for (const jwk of list) {
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      try {
        keys.push({ kid: jwk.kid, alg: jwk.alg, key: keyOfJwk(jwk) });
      } catch {
        // a key type node cannot read (e.g. a symmetric key): not one the console could verify with
      }
    }
    this.keys = keys;
    this.readAt = this.now();
  }

  /** The candidate keys for a token's `kid` (every key when the token names none), reading the set again once if none is known. */
  async candidates(kid: string | undefined, alg: string): Promise<KeyObject[]> {
    const match = (): KeyObject[] => this.keys.filter((k) => (kid === undefined || k.kid === kid) && (k.alg === undefined || k.alg === alg)).map((k) => k.key);
    let found = match();
    if (found.length === 0 && this.now() - this.readAt > 10_000) {
      await this.refresh();
      found = match();
    }
    return found;
  }
}
