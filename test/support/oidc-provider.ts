// A real OpenID Connect issuer for tests: oidc-provider on loopback (plain HTTP), one static confidential
// client, two users (alice in plinth-editors, bob in plinth-viewers) and a small sign-in page that accepts a
// `login=NAME` form post, so a fetch-based test (signInThroughIssuer below) and a Playwright browser can both
// sign in. Consent is implied for the client (a first-party client), so sign-in is one form post.
// `tamperNextIdToken` alters the claims of the next ID token the token endpoint answers, keeping its
// signature, to show that the console refuses it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaLikeContext } from 'oidc-provider';

export interface TestUser {
  email: string;
  groups: string[];
}

export const OIDC_USERS: Record<string, TestUser> = {
  alice: { email: 'alice@example.com', groups: ['plinth-editors'] },
  bob: { email: 'bob@example.com', groups: ['plinth-viewers'] },
};

export interface TestIssuer {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A file holding the client secret (for --oidc-client-secret-file). */
  clientSecretFile: string;
  /** The next ID token's payload is replaced by `alter(payload)`; the header and signature stay. */
  tamperNextIdToken(alter: (claims: Record<string, unknown>) => Record<string, unknown>): void;
  stop(): Promise<void>;
}

const CLAIMS = ['sub', 'email', 'email_verified', 'groups', 'name'];

function page(uid: string, error = ''): string {
  const users = Object.keys(OIDC_USERS)
    .map((u) => `<button type="submit" name="login" value="${u}" data-testid="oidc-user-${u}">${u}</button>`)
    .join(' ');
  return `<!doctype html><html><head><title>Test issuer: sign in</title></head><body>
<h1>Test issuer</h1>${error ? `<p data-testid="oidc-error">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}">
<label>User <input name="login" data-testid="oidc-login" autocomplete="username"></label>
<button type="submit" data-testid="oidc-submit">Sign in</button>
</form>
<form method="post" action="/interaction/${uid}">Or: ${users}</form>
</body></html>`;
}

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  let body = '';
  for await (const chunk of req as AsyncIterable<Buffer>) body += chunk.toString('utf8');
  return new URLSearchParams(body);
}

/** Starts the issuer; `redirectUris` are the client's registered callback URLs. */
export async function startOidcProvider(opts: { redirectUris: string[]; clientId?: string; clientSecret?: string }): Promise<TestIssuer> {
  const clientId = opts.clientId ?? 'plinth-console';
  const clientSecret = opts.clientSecret ?? 'test-client-secret';
  const jwk = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test-rs256', use: 'sig', alg: 'RS256' };
  let tamper: ((c: Record<string, unknown>) => Record<string, unknown>) | undefined;

  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['plinth-test-issuer-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    // ID tokens carry the scope's claims (as Dex and Keycloak do), not only the userinfo endpoint.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Grant: 3600, Session: 3600 },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx: unknown, id: string) => {
      const u = OIDC_USERS[id];
      if (!u) return undefined;
      return { accountId: id, claims: () => ({ sub: id, email: u.email, email_verified: true, name: id, groups: u.groups }) };
    },
    // A first-party client: consent is implied, with every scope and claim it asks for.
    loadExistingGrant: async (ctx: KoaLikeContext) => {
      const o = ctx.oidc;
      const clientId = o.client?.clientId ?? '';
      const existing = o.result?.consent?.grantId ?? o.session?.grantIdFor(clientId);
      if (existing) return o.provider.Grant.find(existing);
      const grant = new o.provider.Grant({ accountId: o.session?.accountId ?? '', clientId });
      grant.addOIDCScope('openid email profile groups');
      grant.addOIDCClaims(CLAIMS);
      await grant.save();
      return grant;
    },
  });
  const handle = provider.callback();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    const m = /^\/interaction\/([^/]+)$/.exec(url.pathname);
    if (m) {
      void (async () => {
        try {
          const details = await provider.interactionDetails(req, res);
          if (req.method === 'POST') {
            const login = (await formOf(req)).get('login') ?? '';
            if (OIDC_USERS[login]) {
              await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
              return;
            }
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(details.uid, `no user "${login}"`));
            return;
          }
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(details.uid));
        } catch (err) {
          res.writeHead(400, { 'content-type': 'text/plain' }).end(`interaction failed: ${err instanceof Error ? err.message : String(err)}`);
        }
      })();
      return;
    }
    if (tamper && req.method === 'POST' && url.pathname === '/token') {
      const alter = tamper;
      tamper = undefined;
      const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
      res.end = ((chunk?: unknown) => {
        const body = JSON.parse(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk)) as { id_token?: string };
        if (body.id_token) {
          const [h, p, s] = body.id_token.split('.') as [string, string, string];
          const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
          body.id_token = `${h}.${Buffer.from(JSON.stringify(alter(claims))).toString('base64url')}.${s}`;
        }
        const text = JSON.stringify(body);
        res.setHeader('content-length', Buffer.byteLength(text));
        return end(text);
      }) as typeof res.end;
    }
    handle(req, res);
  });

  const dir = mkdtempSync(join(tmpdir(), 'plinth-oidc-'));
  const clientSecretFile = join(dir, 'client-secret');
  writeFileSync(clientSecretFile, `${clientSecret}\n`, { mode: 0o600 });
  return {
    issuer,
    clientId,
    clientSecret,
    clientSecretFile,
    tamperNextIdToken: (alter) => {
      tamper = alter;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Cookies by origin (scheme://host:port), as a browser keeps them for these loopback servers. */
export class CookieJar {
  private readonly jars = new Map<string, Map<string, string>>();

  header(url: URL): string {
    return [...(this.jars.get(url.origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  store(url: URL, res: Response): void {
    const jar = this.jars.get(url.origin) ?? new Map<string, string>();
    this.jars.set(url.origin, jar);
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c) || /max-age=0\b/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
  }

  get(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }
}

export interface BrowserSignIn {
  /** Every URL requested, in order. */
  visited: string[];
  /** The console callback URL the issuer redirected to (with code and state). */
  callbackUrl: string | undefined;
  /** Where the last redirect pointed when the walk stopped (e.g. /releases, or /signin?error=…). */
  finalLocation: string | undefined;
  jar: CookieJar;
}

/**
 * Signs in like a browser with fetch: follows redirects from `startUrl` (the console's login route), posts
 * `login=USER` on the issuer's page, and stops at the first redirect back into the console after its
 * callback (or, with `stopAtCallback`, before requesting the callback).
 */
export async function signInThroughIssuer(startUrl: string, login: string, opts: { jar?: CookieJar; stopAtCallback?: boolean } = {}): Promise<BrowserSignIn> {
  const jar = opts.jar ?? new CookieJar();
  const consoleOrigin = new URL(startUrl).origin;
  const out: BrowserSignIn = { visited: [], callbackUrl: undefined, finalLocation: undefined, jar };
  let url = new URL(startUrl);
  let method = 'GET';
  let body: string | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin === consoleOrigin && url.pathname.endsWith('/oidc/callback')) {
      out.callbackUrl = url.toString();
      if (opts.stopAtCallback) return out;
    }
    out.visited.push(`${method} ${url.toString()}`);
    const headers: Record<string, string> = {};
    const cookie = jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method, headers, redirect: 'manual', ...(body !== undefined ? { body } : {}) });
    jar.store(url, res);
    const text = await res.text();
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.origin === consoleOrigin && out.callbackUrl !== undefined) {
        out.finalLocation = `${next.pathname}${next.search}`;
        return out;
      }
      url = next;
      method = 'GET';
      body = undefined;
      continue;
    }
    if (res.status === 200 && /^\/interaction\//.test(url.pathname) && method === 'GET') {
      method = 'POST';
      body = new URLSearchParams({ login }).toString();
      continue;
    }
    throw new Error(`sign-in stopped at ${method} ${url.toString()}: HTTP ${res.status} ${text.slice(0, 300)}`);
  }
  throw new Error(`sign-in did not end within 20 redirects: ${out.visited.join(' → ')}`);
}
