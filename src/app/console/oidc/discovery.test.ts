import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlinthError } from '../../../errors/index.js';
import { checkMetadata, discover, discoveryUrl, type FetchFn } from './discovery.js';

const ISS = 'https://sso.example.com/realms/main';
const good = { issuer: ISS, authorization_endpoint: `${ISS}/auth`, token_endpoint: `${ISS}/token`, jwks_uri: `${ISS}/certs`, code_challenge_methods_supported: ['plain', 'S256'] };

function unusable(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PlinthError);
    assert.equal(err.code, 'CONSOLE_OIDC_ISSUER');
    return err.message;
  }
  return 'usable';
}

test('the discovery document must name the same issuer, have the endpoints of the code flow and support S256', () => {
  assert.equal(discoveryUrl(`${ISS}/`), `${ISS}/.well-known/openid-configuration`);
  assert.equal(unusable(() => checkMetadata(ISS, good)), 'usable');
  assert.equal(unusable(() => checkMetadata(ISS, { ...good, code_challenge_methods_supported: undefined })), 'usable', 'not advertised: tried');
  assert.match(unusable(() => checkMetadata(`${ISS}/`, good)), /names the issuer "https:\/\/sso.example.com\/realms\/main"/);
  assert.match(unusable(() => checkMetadata(ISS, { ...good, jwks_uri: undefined })), /no jwks_uri/);
  assert.match(unusable(() => checkMetadata(ISS, { ...good, code_challenge_methods_supported: ['plain'] })), /does not support PKCE S256/);
});

test('an issuer answering an error or not JSON is reported with the URL', async () => {
  const answer = (status: number, body: string): FetchFn => (() => Promise.resolve(new Response(body, { status })));
  await assert.rejects(discover(ISS, answer(404, 'no')), (e: unknown) => e instanceof PlinthError && /openid-configuration answered HTTP 404/.test(e.message));
  await assert.rejects(discover(ISS, answer(200, '<html>')), (e: unknown) => e instanceof PlinthError && /openid-configuration is not a JSON object/.test(e.message));
  assert.equal((await discover(ISS, answer(200, JSON.stringify(good)))).token_endpoint, `${ISS}/token`);
});
