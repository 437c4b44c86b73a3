/**
 * From the claims of a verified ID token to the Kubernetes identity the console impersonates, with the same
 * rules as kube-apiserver's `--oidc-username-claim/-prefix` and `--oidc-groups-claim/-prefix`, so a user gets
 * the same name and groups through the console as with kubectl and that issuer.
 */
import { PlinthError } from '../../../errors/index.js';
import type { ConsoleIdentity } from '../session.js';

export interface ClaimMapping {
  issuer: string;
  /** The claim holding the user name (default `email`). */
  usernameClaim: string;
  /**
   * Prepended to the user name. Unset: none for `email`, `ISSUER#` for any other claim (as kube-apiserver
   * does, so `sub` values of different issuers cannot collide); `-` means none.
   */
  usernamePrefix?: string;
  /** The claim holding the groups (default `groups`): a string or an array of strings. */
  groupsClaim: string;
  groupsPrefix?: string;
}

export const DEFAULT_USERNAME_CLAIM = 'email';
export const DEFAULT_GROUPS_CLAIM = 'groups';

/** Pure: the prefix actually used for user names. */
export function effectiveUsernamePrefix(m: ClaimMapping): string {
  if (m.usernamePrefix === '-') return '';
  if (m.usernamePrefix !== undefined) return m.usernamePrefix;
  return m.usernameClaim === 'email' ? '' : `${m.issuer}#`;
}

/** Pure: the identity of a verified ID token's claims, or CONSOLE_OIDC_CLAIM naming the claim and the flag. */
export function identityFromClaims(claims: Record<string, unknown>, m: ClaimMapping): ConsoleIdentity {
  const raw = claims[m.usernameClaim];
  if (typeof raw !== 'string' || raw === '') {
    throw new PlinthError('CONSOLE_OIDC_CLAIM', {
      claim: m.usernameClaim,
      flag: '--oidc-username-claim',
      detail: raw === undefined ? 'the claim is missing' : `it is ${JSON.stringify(raw)}, not a non-empty string`,
    });
  }
  if (m.usernameClaim === 'email' && claims.email_verified !== undefined && claims.email_verified !== true) {
    throw new PlinthError('CONSOLE_OIDC_CLAIM', { claim: 'email', flag: '--oidc-username-claim', detail: `the issuer says the address ${raw} is not verified (email_verified is ${JSON.stringify(claims.email_verified)})` });
  }
  const g = claims[m.groupsClaim];
  let groups: string[];
  if (g === undefined || g === null) groups = [];
  else if (typeof g === 'string') groups = [g];
  else if (Array.isArray(g) && g.every((x) => typeof x === 'string')) groups = g;
  else throw new PlinthError('CONSOLE_OIDC_CLAIM', { claim: m.groupsClaim, flag: '--oidc-groups-claim', detail: `it is ${JSON.stringify(g)}, not a string or a list of strings` });
  const gp = m.groupsPrefix ?? '';
  return { user: effectiveUsernamePrefix(m) + raw, groups: [...new Set(groups.filter((x) => x !== '').map((x) => gp + x))], via: 'oidc' };
}
