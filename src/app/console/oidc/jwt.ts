/**
 * ID token checks (OpenID Connect Core 3.1.3.7), with node:crypto only: the compact JWS is split and its
 * RS256 or ES256 signature verified with the issuer's key, then `iss`, `aud` (and `azp`), `exp`, `iat`, `nonce`.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { PlinthError } from '../../../errors/index.js';

export type JwtAlg = 'RS256' | 'ES256';
export const SUPPORTED_ALGS: readonly JwtAlg[] = ['RS256', 'ES256'];

export interface JwtParts {
  header: { alg?: string; kid?: string; typ?: string };
  payload: Record<string, unknown>;
  /** `BASE64URL(header) "." BASE64URL(payload)`: the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

function refused(detail: string, fix: string): PlinthError {
  return new PlinthError('CONSOLE_OIDC_TOKEN', { detail, fix });
}

function jsonPart(part: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    v = undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw refused(`its ${what} is not a JSON object`, 'check that --oidc-issuer is an OpenID Connect issuer');
  return v as Record<string, unknown>;
}

/** Pure: the parts of a compact JWS (three base64url parts), or CONSOLE_OIDC_TOKEN. */
export function decodeJwt(token: string): JwtParts {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) throw refused('it is not a signed JWT (three base64url parts)', 'check that --oidc-issuer is an OpenID Connect issuer');
  const [h, p, s] = parts as [string, string, string];
  return { header: jsonPart(h, 'header'), payload: jsonPart(p, 'payload'), signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

/** A public key object of a JWK (RSA or EC P-256). */
export function keyOfJwk(jwk: JsonWebKey): KeyObject {
  return createPublicKey({ key: jwk, format: 'jwk' });
}

/** Pure: whether the key can check signatures of `alg` (RSA for RS256, EC P-256 for ES256). */
export function keyFitsAlg(key: KeyObject, alg: JwtAlg): boolean {
  if (alg === 'RS256') return key.asymmetricKeyType === 'rsa';
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
}

/** Whether the signature of `jwt` verifies with `key` under `alg` (ES256 signatures are raw r||s, 64 bytes). */
export function signatureValid(jwt: JwtParts, alg: JwtAlg, key: KeyObject): boolean {
  if (!keyFitsAlg(key, alg)) return false;
  const data = Buffer.from(jwt.signingInput, 'ascii');
  if (alg === 'RS256') return verify('sha256', data, key, jwt.signature);
  if (jwt.signature.length !== 64) return false;
  return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, jwt.signature);
}

/** Pure: the algorithm of the header if the console supports it, else CONSOLE_OIDC_TOKEN (`none` and HMAC are never accepted). */
export function algOf(jwt: JwtParts): JwtAlg {
  const alg = jwt.header.alg;
  if (typeof alg === 'string' && (SUPPORTED_ALGS as readonly string[]).includes(alg)) return alg as JwtAlg;
  throw refused(`it is signed with "${String(alg)}", not one of ${SUPPORTED_ALGS.join(', ')}`, 'configure the client at the issuer to sign ID tokens with RS256 or ES256');
}

export interface ClaimChecks {
  issuer: string;
  clientId: string;
  nonce: string;
  /** Seconds since the epoch. */
  nowSec: number;
  /** Allowed clock difference with the issuer (default 60 s). */
  skewSec?: number;
}

/** Pure: checks the standard claims of an ID token's payload; throws CONSOLE_OIDC_TOKEN naming the first failure. */
export function checkIdTokenClaims(p: Record<string, unknown>, c: ClaimChecks): void {
  const skew = c.skewSec ?? 60;
  if (p.iss !== c.issuer) throw refused(`it was issued by "${String(p.iss)}", not "${c.issuer}"`, 'set --oidc-issuer to the exact issuer URL the provider names in its tokens');
  const aud = typeof p.aud === 'string' ? [p.aud] : Array.isArray(p.aud) ? p.aud.filter((a): a is string => typeof a === 'string') : [];
  if (!aud.includes(c.clientId)) throw refused(`its audience ${JSON.stringify(p.aud)} does not include the client "${c.clientId}"`, 'set --oidc-client-id to the client the issuer issues the tokens for');
  if (aud.length > 1 && p.azp !== undefined && p.azp !== c.clientId) throw refused(`it was issued to the party ${JSON.stringify(p.azp)}, not "${c.clientId}"`, 'set --oidc-client-id to the client the issuer issues the tokens for');
  if (typeof p.exp !== 'number') throw refused('it has no "exp" (expiry) claim', 'use an OpenID Connect issuer: ID tokens must expire');
  if (c.nowSec > p.exp + skew) throw refused(`it expired at ${new Date(p.exp * 1000).toISOString()}`, "sign in again; if it keeps happening, check the console host's clock");
  if (typeof p.iat === 'number' && p.iat > c.nowSec + skew) throw refused(`it was issued in the future (${new Date(p.iat * 1000).toISOString()})`, "check the clocks of the console host and the issuer");
  if (p.nonce !== c.nonce) throw refused(p.nonce === undefined ? 'it has no "nonce" claim' : 'its nonce is not the one of this sign-in (a replayed token?)', 'start the sign-in again from /signin');
}
