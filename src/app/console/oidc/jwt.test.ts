import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { PlinthError } from '../../../errors/index.js';
import { algOf, checkIdTokenClaims, decodeJwt, keyOfJwk, signatureValid, type JwtAlg } from './jwt.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A compact JWS signed with `key` (ES256 as raw r||s, as JOSE wants it). */
function signJwt(payload: Record<string, unknown>, alg: JwtAlg, key: KeyObject, kid = 'k1'): string {
  const input = `${b64({ alg, kid, typ: 'JWT' })}.${b64(payload)}`;
  const sig = alg === 'RS256' ? sign('sha256', Buffer.from(input), key) : sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PlinthError, String(err));
    assert.equal(err.code, 'CONSOLE_OIDC_TOKEN');
    return `${err.message} / ${err.hint}`;
  }
  return 'accepted';
}

test('RS256 and ES256 signatures verify with the JWK of the right key only; an altered payload does not', () => {
  const rsaPub = keyOfJwk(rsa.publicKey.export({ format: 'jwk' }));
  const ecPub = keyOfJwk(ec.publicKey.export({ format: 'jwk' }));
  const r = decodeJwt(signJwt({ sub: 'a' }, 'RS256', rsa.privateKey));
  const e = decodeJwt(signJwt({ sub: 'a' }, 'ES256', ec.privateKey));
  assert.equal(r.header.kid, 'k1');
  assert.equal(signatureValid(r, algOf(r), rsaPub), true);
  assert.equal(signatureValid(e, algOf(e), ecPub), true);
  assert.equal(signatureValid(r, 'RS256', keyOfJwk(otherRsa.publicKey.export({ format: 'jwk' }))), false, 'another key');
  assert.equal(signatureValid(r, 'ES256', ecPub), false, 'the alg and key type must match');
  assert.equal(signatureValid(e, 'RS256', rsaPub), false);
  const [h, , s] = signJwt({ sub: 'a' }, 'RS256', rsa.privateKey).split('.');
  const tampered = decodeJwt(`${h}.${b64({ sub: 'b' })}.${s}`);
  assert.equal(tampered.payload.sub, 'b');
  assert.equal(signatureValid(tampered, 'RS256', rsaPub), false);
});

test('alg none, HMAC and malformed tokens are refused', () => {
  assert.match(refusal(() => algOf(decodeJwt(`${b64({ alg: 'none' })}.${b64({})}.`))), /signed with "none"/);
  assert.match(refusal(() => algOf(decodeJwt(`${b64({ alg: 'HS256' })}.${b64({})}.AAAA`))), /signed with "HS256", not one of RS256, ES256/);
  assert.match(refusal(() => decodeJwt('a.b')), /not a signed JWT/);
  assert.match(refusal(() => decodeJwt(`${b64({ alg: 'RS256' })}.bm90IGpzb24.AAAA`)), /payload is not a JSON object/);
});

test('iss, aud, azp, exp, iat and nonce are each checked, naming what to fix', () => {
  const now = 1_800_000_000;
  const good = { iss: 'https://sso', aud: 'plinth', exp: now + 300, iat: now, nonce: 'n1', sub: 'a' };
  const c = { issuer: 'https://sso', clientId: 'plinth', nonce: 'n1', nowSec: now };
  assert.equal(refusal(() => checkIdTokenClaims(good, c)), 'accepted');
  assert.equal(refusal(() => checkIdTokenClaims({ ...good, aud: ['other', 'plinth'], azp: 'plinth' }, c)), 'accepted');
  assert.match(refusal(() => checkIdTokenClaims({ ...good, iss: 'https://evil' }, c)), /issued by "https:\/\/evil".*\/ set --oidc-issuer/);
  assert.match(refusal(() => checkIdTokenClaims({ ...good, aud: 'other' }, c)), /audience "other" does not include the client "plinth" \/ set --oidc-client-id/);
  assert.match(refusal(() => checkIdTokenClaims({ ...good, aud: ['other', 'plinth'], azp: 'other' }, c)), /issued to the party "other"/);
  assert.match(refusal(() => checkIdTokenClaims({ ...good, exp: now - 61 }, c)), /it expired at/);
  assert.equal(refusal(() => checkIdTokenClaims({ ...good, exp: now - 30 }, c)), 'accepted', 'within the clock skew');
  assert.match(refusal(() => checkIdTokenClaims({ ...good, exp: undefined }, c)), /no "exp"/);
  assert.match(refusal(() => checkIdTokenClaims({ ...good, iat: now + 3600 }, c)), /issued in the future/);
  assert.match(refusal(() => checkIdTokenClaims({ ...good, nonce: 'n2' }, c)), /nonce is not the one of this sign-in/);
  assert.match(refusal(() => checkIdTokenClaims({ ...good, nonce: undefined }, c)), /no "nonce" claim/);
});
