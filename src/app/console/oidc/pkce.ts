/** PKCE (RFC 7636, method S256) and the random values of a sign-in: state and nonce. */
import { createHash, randomBytes } from 'node:crypto';

/** A random URL-safe value with 256 bits of entropy (state, nonce, code verifier). */
export function randomValue(): string {
  return randomBytes(32).toString('base64url');
}

/** Pure: the S256 challenge of a code verifier: BASE64URL(SHA-256(verifier)). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A fresh code verifier (43 characters of [A-Za-z0-9_-]) and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomValue();
  return { verifier, challenge: s256(verifier) };
}
