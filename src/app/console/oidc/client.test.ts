// The relying party against an issuer simulated with a fetch function and keys made here: the authorization
// URL, the code exchange (client secret or public client), and each refusal of the callback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { PlinthError } from '../../../errors/index.js';
import { OidcClient, type OidcSettings } from './client.js';
import type { FetchFn } from './discovery.js';

const ISS = 'https://sso.example.com';
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

function signJwt(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const input = `${b64({ alg: 'RS256', kid })}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

interface FakeIssuer {
  fetch: FetchFn;
  /** What the token endpoint received. */
  tokenRequests: Array<{ headers: Record<string, string>; form: URLSearchParams }>;
  /** The ID token the token endpoint answers next, from the nonce of the sign-in. */
  idToken: (nonce: string) => string;
  nonce: string;
  rotate: () => KeyObject;
  jwksReads: number;
  tokenError?: { status: number; body: unknown };
  down: boolean;
}

function fakeIssuer(): FakeIssuer & { key: KeyObject } {
  let keys = [{ kid: 'k1', pair: generateKeyPairSync('rsa', { modulusLength: 2048 }) }];
  const f: FakeIssuer & { key: KeyObject } = {
    key: keys[0]!.pair.privateKey,
    tokenRequests: [],
    nonce: '',
    jwksReads: 0,
    down: false,
    idToken: (nonce) => signJwt({ iss: ISS, aud: 'plinth', sub: '1', email: 'alice@example.com', groups: ['plinth-editors'], nonce, exp: Math.floor(Date.now() / 1000) + 300, iat: Math.floor(Date.now() / 1000) }, f.key, keys[keys.length - 1]!.kid),
    rotate: () => {
      keys = [...keys, { kid: `k${keys.length + 1}`, pair: generateKeyPairSync('rsa', { modulusLength: 2048 }) }];
      f.key = keys[keys.length - 1]!.pair.privateKey;
      return f.key;
    },
    fetch: ((input: string | URL, init?: RequestInit): Promise<Response> => {
      const url = String(input);
      if (f.down) return Promise.reject(new TypeError('fetch failed (ECONNREFUSED)'));
      const json = (v: unknown, status = 200): Promise<Response> => Promise.resolve(new Response(JSON.stringify(v), { status, headers: { 'content-type': 'application/json' } }));
      if (url === `${ISS}/.well-known/openid-configuration`) {
        return json({ issuer: ISS, authorization_endpoint: `${ISS}/auth`, token_endpoint: `${ISS}/token`, jwks_uri: `${ISS}/jwks`, code_challenge_methods_supported: ['S256'] });
      }
      if (url === `${ISS}/jwks`) {
        f.jwksReads++;
        return json({ keys: keys.map((k) => ({ ...k.pair.publicKey.export({ format: 'jwk' }), kid: k.kid, use: 'sig', alg: 'RS256' })) });
      }
      if (url === `${ISS}/token`) {
        f.tokenRequests.push({ headers: init?.headers as Record<string, string>, form: new URLSearchParams(init?.body as string) });
        if (f.tokenError) return json(f.tokenError.body, f.tokenError.status);
        return json({ access_token: 'at', token_type: 'Bearer', id_token: f.idToken(f.nonce) });
      }
      return json({}, 404);
    }) as FetchFn,
  };
  return f;
}

const settings: OidcSettings = { issuer: ISS, clientId: 'plinth', clientSecret: 's3cr3t:x', redirectUrl: 'http://127.0.0.1:8443/api/v1/session/oidc/callback', scopes: ['openid', 'email', 'groups'], usernameClaim: 'email', groupsClaim: 'groups' };

/** Starts a sign-in like a browser: the state and nonce from the authorization URL. */
function begin(c: OidcClient, f: FakeIssuer, next = '/releases'): { state: string; url: URL } {
  const url = new URL(c.begin(next));
  f.nonce = url.searchParams.get('nonce')!;
  return { state: url.searchParams.get('state')!, url };
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof PlinthError, String(err));
    return `${err.code}: ${err.message}`;
  }
  return 'signed in';
}

test('the authorization URL, the code exchange with the client secret, and the identity of the ID token', async () => {
  const f = fakeIssuer();
  const c = await OidcClient.start(settings, { fetch: f.fetch });
  const { state, url } = begin(c, f);
  assert.equal(`${url.origin}${url.pathname}`, `${ISS}/auth`);
  const q = Object.fromEntries(url.searchParams);
  assert.equal(q.response_type, 'code');
  assert.equal(q.client_id, 'plinth');
  assert.equal(q.redirect_uri, settings.redirectUrl);
  assert.equal(q.scope, 'openid email groups');
  assert.equal(q.code_challenge_method, 'S256');
  assert.match(q.code_challenge!, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(q.state, q.nonce);

  const done = await c.finish({ code: 'c1', state });
  assert.deepEqual(done, { identity: { user: 'alice@example.com', groups: ['plinth-editors'], via: 'oidc' }, next: '/releases' });
  const req = f.tokenRequests[0]!;
  assert.equal(req.form.get('grant_type'), 'authorization_code');
  assert.equal(req.form.get('code'), 'c1');
  assert.equal(req.form.get('redirect_uri'), settings.redirectUrl);
  assert.match(req.form.get('code_verifier')!, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(req.form.get('client_secret'), null, 'the secret goes in the Basic header');
  assert.equal(req.headers.authorization, `Basic ${Buffer.from('plinth:s3cr3t%3Ax').toString('base64')}`);
});

test('a public client sends its id and the verifier, no secret', async () => {
  const f = fakeIssuer();
  const pub: OidcSettings = { ...settings };
  delete pub.clientSecret;
  const c = await OidcClient.start(pub, { fetch: f.fetch });
  const { state } = begin(c, f);
  assert.equal((await c.finish({ code: 'c', state })).identity.user, 'alice@example.com');
  assert.equal(f.tokenRequests[0]!.form.get('client_id'), 'plinth');
  assert.equal(f.tokenRequests[0]!.headers.authorization, undefined);
});

test('replayed, forged and expired states, issuer errors, a tampered or foreign token, a wrong audience or nonce are each refused', async () => {
  let now = Date.now();
  const f = fakeIssuer();
  const c = await OidcClient.start(settings, { fetch: f.fetch, now: () => now });
  const first = begin(c, f);
  await c.finish({ code: 'c', state: first.state });
  assert.match(await failure(c.finish({ code: 'c', state: first.state })), /^CONSOLE_OIDC_STATE: .*unknown or was already used/);
  assert.match(await failure(c.finish({ code: 'c' })), /^CONSOLE_OIDC_STATE: .*no state/);
  const late = begin(c, f);
  now += 11 * 60_000;
  assert.match(await failure(c.finish({ code: 'c', state: late.state })), /^CONSOLE_OIDC_STATE: .*longer than 10 minutes/);
  now = Date.now();

  assert.match(await failure(c.finish({ code: 'c', iss: 'https://evil.example', state: begin(c, f).state })), /^CONSOLE_OIDC_STATE: .*comes from the issuer "https:\/\/evil.example"/);
  assert.match(await failure(c.finish({ error: 'access_denied', error_description: 'no', state: begin(c, f).state })), /^CONSOLE_OIDC_DENIED: .*access_denied: no/);
  f.tokenError = { status: 400, body: { error: 'invalid_grant', error_description: 'grant request is invalid' } };
  assert.match(await failure(c.finish({ code: 'c', state: begin(c, f).state })), /^CONSOLE_OIDC_EXCHANGE: .*invalid_grant: grant request is invalid/);
  delete f.tokenError;

  const good = f.idToken;
  f.idToken = (nonce) => {
    const [h, , s] = good(nonce).split('.');
    return `${h}.${b64({ iss: ISS, aud: 'plinth', email: 'root@example.com', groups: ['system:masters'], nonce, exp: Math.floor(now / 1000) + 300 })}.${s}`;
  };
  assert.match(await failure(c.finish({ code: 'c', state: begin(c, f).state })), /^CONSOLE_OIDC_TOKEN: .*signature does not verify/);
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  f.idToken = (nonce) => signJwt({ iss: ISS, aud: 'plinth', email: 'x@y', nonce, exp: Math.floor(now / 1000) + 300 }, foreign, 'k1');
  assert.match(await failure(c.finish({ code: 'c', state: begin(c, f).state })), /^CONSOLE_OIDC_TOKEN: .*signature does not verify/);
  f.idToken = (nonce) => signJwt({ iss: ISS, aud: 'someone-else', email: 'x@y', nonce, exp: Math.floor(now / 1000) + 300 }, f.key, 'k1');
  assert.match(await failure(c.finish({ code: 'c', state: begin(c, f).state })), /^CONSOLE_OIDC_TOKEN: .*audience "someone-else"/);
  f.idToken = (nonce) => signJwt({ iss: ISS, aud: 'plinth', email: 'x@y', nonce: `${nonce}x`, exp: Math.floor(now / 1000) + 300 }, f.key, 'k1');
  assert.match(await failure(c.finish({ code: 'c', state: begin(c, f).state })), /^CONSOLE_OIDC_TOKEN: .*nonce/);
  f.idToken = (nonce) => signJwt({ iss: ISS, aud: 'plinth', sub: '1', nonce, exp: Math.floor(now / 1000) + 300 }, f.key, 'k1');
  assert.match(await failure(c.finish({ code: 'c', state: begin(c, f).state })), /^CONSOLE_OIDC_CLAIM: .*"email" claim: the claim is missing/);
});

test('a token signed with a rotated-in key is accepted after the key set is read again; an unreachable issuer fails at start', async () => {
  const f = fakeIssuer();
  let skew = 0;
  const c = await OidcClient.start(settings, { fetch: f.fetch, now: () => Date.now() + skew });
  assert.equal(f.jwksReads, 1);
  f.rotate();
  assert.match(await failure(c.finish({ code: 'c', state: begin(c, f).state })), /no RS256 key with id "k2"/, 'the set is read at most every 10 s');
  assert.equal(f.jwksReads, 1);
  skew = 11_000;
  assert.equal((await c.finish({ code: 'c', state: begin(c, f).state })).identity.user, 'alice@example.com');
  assert.equal(f.jwksReads, 2);
  f.down = true;
  assert.match(await failure(OidcClient.start(settings, { fetch: f.fetch })), /^CONSOLE_OIDC_ISSUER: the OIDC issuer https:\/\/sso.example.com is not usable: the discovery document .* could not be read \(fetch failed/);
});
