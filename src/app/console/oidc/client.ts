/**
 * The console as an OpenID Connect relying party: the authorization code flow with PKCE S256. `begin` makes the
 * issuer URL the browser is sent to (state and nonce kept server-side, see pending.ts); `finish` takes the
 * callback's code and state, exchanges the code at the token endpoint (with the client secret, or as a public
 * client), verifies the ID token and maps its claims to the identity the console impersonates.
 */
import { errorMessage, PlinthError } from '../../../errors/index.js';
import type { ConsoleIdentity } from '../session.js';
import { identityFromClaims, type ClaimMapping } from './claims.js';
import { discover, IssuerKeys, type FetchFn, type IssuerMetadata } from './discovery.js';
import { algOf, checkIdTokenClaims, decodeJwt, signatureValid } from './jwt.js';
import { PendingLogins, safeNext } from './pending.js';

export interface OidcSettings extends ClaimMapping {
  clientId: string;
  /** Absent: a public client (PKCE only). */
  clientSecret?: string;
  /** The console's callback URL, as registered at the issuer. */
  redirectUrl: string;
  scopes: string[];
}

export const DEFAULT_SCOPES = ['openid', 'email', 'profile', 'groups'];
export const OIDC_LOGIN_PATH = '/api/v1/session/oidc/login';
export const OIDC_CALLBACK_PATH = '/api/v1/session/oidc/callback';

export class OidcClient {
  readonly pending: PendingLogins;

  private constructor(
    readonly settings: OidcSettings,
    readonly metadata: IssuerMetadata,
    private readonly keys: IssuerKeys,
    private readonly fetchFn: FetchFn,
    private readonly now: () => number,
  ) {
    this.pending = new PendingLogins(now);
  }

  /** Reads the issuer's discovery document and keys; CONSOLE_OIDC_ISSUER when it is unreachable or unusable. */
  static async start(settings: OidcSettings, opts: { fetch?: FetchFn; now?: () => number } = {}): Promise<OidcClient> {
    const fetchFn = opts.fetch ?? fetch;
    const now = opts.now ?? Date.now;
    const metadata = await discover(settings.issuer, fetchFn);
    const keys = new IssuerKeys(settings.issuer, metadata.jwks_uri, fetchFn, now);
    await keys.refresh();
    return new OidcClient(settings, metadata, keys, fetchFn, now);
  }

  get issuer(): string {
    return this.settings.issuer;
  }

  /** Starts a sign-in: the issuer's authorization URL to redirect the browser to. */
  begin(next: string | undefined): string {
    const p = this.pending.begin(safeNext(next));
    const u = new URL(this.metadata.authorization_endpoint);
    u.searchParams.set('response_type', 'code');
    u.searchParams.set('client_id', this.settings.clientId);
    u.searchParams.set('redirect_uri', this.settings.redirectUrl);
    u.searchParams.set('scope', this.settings.scopes.join(' '));
    u.searchParams.set('state', p.state);
    u.searchParams.set('nonce', p.nonce);
    u.searchParams.set('code_challenge', p.challenge);
    u.searchParams.set('code_challenge_method', 'S256');
    return u.toString();
  }

  /** Ends a sign-in: the identity and the console path to return to, or a catalogue error saying what failed. */
  async finish(q: { code?: string; state?: string; iss?: string; error?: string; error_description?: string }): Promise<{ identity: ConsoleIdentity; next: string }> {
    if (!q.state) throw new PlinthError('CONSOLE_OIDC_STATE', { detail: 'the callback carries no state' });
    const taken = this.pending.take(q.state);
    if (!taken.ok) {
      throw new PlinthError('CONSOLE_OIDC_STATE', { detail: taken.reason === 'expired' ? 'the sign-in took longer than 10 minutes' : 'the state is unknown or was already used (a replayed or forged callback?)' });
    }
    // RFC 9207: an issuer that names itself in the response must be the one the sign-in went to (mix-up defence).
    if (q.iss !== undefined && q.iss !== this.settings.issuer) throw new PlinthError('CONSOLE_OIDC_STATE', { detail: `the callback comes from the issuer "${q.iss}", not "${this.settings.issuer}"` });
    if (q.error) throw new PlinthError('CONSOLE_OIDC_DENIED', { detail: q.error_description ? `${q.error}: ${q.error_description}` : q.error });
    if (!q.code) throw new PlinthError('CONSOLE_OIDC_DENIED', { detail: 'the callback carries no code' });
    const idToken = await this.exchange(q.code, taken.login.verifier);
    const claims = await this.verifyIdToken(idToken, taken.login.nonce);
    return { identity: identityFromClaims(claims, this.settings), next: taken.login.next };
  }

  /** The token endpoint's ID token for `code`. */
  private async exchange(code: string, verifier: string): Promise<string> {
    const s = this.settings;
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: s.redirectUrl, code_verifier: verifier });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    const methods = this.metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    if (s.clientSecret === undefined) form.set('client_id', s.clientId);
    else if (methods.includes('client_secret_basic') || !methods.includes('client_secret_post')) {
      // RFC 6749 2.3.1: each part form-encoded before Basic encoding.
      const enc = (v: string): string => encodeURIComponent(v).replace(/%20/g, '+');
      headers.authorization = `Basic ${Buffer.from(`${enc(s.clientId)}:${enc(s.clientSecret)}`).toString('base64')}`;
    } else {
      form.set('client_id', s.clientId);
      form.set('client_secret', s.clientSecret);
    }
    const redirect = s.redirectUrl;
    let res: Response;
    try {
      res = await this.fetchFn(this.metadata.token_endpoint, { method: 'POST', headers, body: form.toString(), signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      throw new PlinthError('CONSOLE_OIDC_EXCHANGE', { redirect, detail: `the token endpoint ${this.metadata.token_endpoint} could not be reached (${errorMessage(err)})` }, { cause: err });
    }
    const body = (await res.json().catch(() => ({}))) as { id_token?: unknown; error?: unknown; error_description?: unknown };
    if (!res.ok) {
      const why = typeof body.error === 'string' ? `${body.error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}` : `HTTP ${res.status}`;
      throw new PlinthError('CONSOLE_OIDC_EXCHANGE', { redirect, detail: why });
    }
    if (typeof body.id_token !== 'string') throw new PlinthError('CONSOLE_OIDC_EXCHANGE', { redirect, detail: 'the answer has no id_token (is "openid" among --oidc-scopes?)' });
    return body.id_token;
  }

  /** The claims of an ID token whose signature (by the issuer's keys) and standard claims check out. */
  async verifyIdToken(idToken: string, nonce: string): Promise<Record<string, unknown>> {
    const jwt = decodeJwt(idToken);
    const alg = algOf(jwt);
    const candidates = await this.keys.candidates(jwt.header.kid, alg);
    if (candidates.length === 0) {
      throw new PlinthError('CONSOLE_OIDC_TOKEN', { detail: `the issuer's key set has no ${alg} key${jwt.header.kid ? ` with id "${jwt.header.kid}"` : ''}`, fix: 'check that --oidc-issuer is the issuer that signs the tokens' });
    }
    if (!candidates.some((k) => signatureValid(jwt, alg, k))) {
      throw new PlinthError('CONSOLE_OIDC_TOKEN', { detail: "its signature does not verify with the issuer's keys (altered, or signed by someone else)", fix: 'sign in again; if it keeps failing, check that --oidc-issuer is the issuer that signs the tokens' });
    }
    checkIdTokenClaims(jwt.payload, { issuer: this.settings.issuer, clientId: this.settings.clientId, nonce, nowSec: Math.floor(this.now() / 1000) });
    return jwt.payload;
  }
}
