/** `plinth console --oidc-*` flags → the settings of the OIDC client, checked before anything is contacted. */
import { readFileSync } from 'node:fs';
import { errorMessage, PlinthError } from '../../../errors/index.js';
import { DEFAULT_GROUPS_CLAIM, DEFAULT_USERNAME_CLAIM } from './claims.js';
import { DEFAULT_SCOPES, OIDC_CALLBACK_PATH, type OidcSettings } from './client.js';

export interface OidcFlags {
  issuer: string;
  clientId?: string;
  /** A file holding the client secret (absent: a public client). */
  clientSecretFile?: string;
  /** Default: the console's URL + /api/v1/session/oidc/callback. */
  redirectUrl?: string;
  usernameClaim?: string;
  usernamePrefix?: string;
  groupsClaim?: string;
  groupsPrefix?: string;
  /** Comma- or space-separated (default openid,email,profile,groups). */
  scopes?: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function bad(what: string, detail: string, fix: string): PlinthError {
  return new PlinthError('INVALID_ARGUMENT', { what, detail, fix });
}

/** Pure: an absolute URL that is https, or http on a loopback host (for local tests). */
export function checkUrl(flag: string, value: string): URL {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw bad(flag, `"${value}" is not an absolute URL`, `give e.g. ${flag} https://sso.example.com/realms/main`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) {
    throw bad(flag, `"${value}" is neither https nor http on a loopback address`, `use the https URL for ${flag}`);
  }
  if (u.hash !== '') throw bad(flag, `"${value}" has a fragment`, `remove the #… part of ${flag}`);
  return u;
}

/** The OIDC settings of the flags; `consoleUrl` (e.g. http://127.0.0.1:8443) gives the default redirect URL. */
export function oidcSettings(f: OidcFlags, consoleUrl: string): OidcSettings {
  checkUrl('--oidc-issuer', f.issuer);
  if (!f.clientId) throw bad('--oidc-client-id', 'missing (required with --oidc-issuer)', 'give the client id registered at the issuer for the console');
  let clientSecret: string | undefined;
  if (f.clientSecretFile !== undefined) {
    try {
      clientSecret = readFileSync(f.clientSecretFile, 'utf8').trim();
    } catch (err) {
      throw bad('--oidc-client-secret-file', `cannot read ${f.clientSecretFile} (${errorMessage(err)})`, 'give a readable file that holds the client secret');
    }
    if (clientSecret === '') throw bad('--oidc-client-secret-file', `${f.clientSecretFile} is empty`, 'put the client secret in the file, or leave the flag out for a public client');
  }
  const redirectUrl = f.redirectUrl ?? `${consoleUrl.replace(/\/$/, '')}${OIDC_CALLBACK_PATH}`;
  checkUrl('--oidc-redirect-url', redirectUrl);
  const scopes = (f.scopes ?? DEFAULT_SCOPES.join(',')).split(/[\s,]+/).filter((s) => s !== '');
  if (!scopes.includes('openid')) scopes.unshift('openid');
  return {
    issuer: f.issuer,
    clientId: f.clientId,
    ...(clientSecret !== undefined ? { clientSecret } : {}),
    redirectUrl,
    scopes,
    usernameClaim: f.usernameClaim ?? DEFAULT_USERNAME_CLAIM,
    ...(f.usernamePrefix !== undefined ? { usernamePrefix: f.usernamePrefix } : {}),
    groupsClaim: f.groupsClaim ?? DEFAULT_GROUPS_CLAIM,
    ...(f.groupsPrefix !== undefined ? { groupsPrefix: f.groupsPrefix } : {}),
  };
}
