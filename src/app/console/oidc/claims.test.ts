import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlinthError } from '../../../errors/index.js';
import { effectiveUsernamePrefix, identityFromClaims, type ClaimMapping } from './claims.js';

const ISS = 'https://sso.example.com';
const base: ClaimMapping = { issuer: ISS, usernameClaim: 'email', groupsClaim: 'groups' };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PlinthError);
    return `${err.code}: ${err.message} / ${err.hint}`;
  }
  return 'no error';
}

test('email and groups map to the impersonated user and groups, with the prefixes', () => {
  assert.deepEqual(identityFromClaims({ sub: '1', email: 'alice@example.com', email_verified: true, groups: ['plinth-editors', 'plinth-editors', ''] }, base), {
    user: 'alice@example.com',
    groups: ['plinth-editors'],
    via: 'oidc',
  });
  assert.deepEqual(identityFromClaims({ email: 'bob@example.com', groups: 'plinth-viewers' }, { ...base, groupsPrefix: 'oidc:' }).groups, ['oidc:plinth-viewers']);
  assert.deepEqual(identityFromClaims({ email: 'carol@example.com' }, base).groups, [], 'no groups claim: no groups');
  assert.equal(identityFromClaims({ email: 'a@x' }, { ...base, usernamePrefix: 'oidc:' }).user, 'oidc:a@x');
});

test('like kube-apiserver: claims other than email get the issuer as prefix unless it is set ("-" for none)', () => {
  const sub: ClaimMapping = { ...base, usernameClaim: 'sub' };
  assert.equal(effectiveUsernamePrefix(sub), `${ISS}#`);
  assert.equal(identityFromClaims({ sub: '42' }, sub).user, `${ISS}#42`);
  assert.equal(identityFromClaims({ sub: '42' }, { ...sub, usernamePrefix: '-' }).user, '42');
  assert.equal(identityFromClaims({ preferred_username: 'alice' }, { ...base, usernameClaim: 'preferred_username', usernamePrefix: 'sso:' }).user, 'sso:alice');
});

test('a missing or unusable claim names the claim and the flag to set', () => {
  assert.match(code(() => identityFromClaims({ sub: '1' }, base)), /^CONSOLE_OIDC_CLAIM: the ID token has no usable "email" claim: the claim is missing \/ set --oidc-username-claim/);
  assert.match(code(() => identityFromClaims({ upn: 7 }, { ...base, usernameClaim: 'upn' })), /"upn" claim: it is 7, not a non-empty string/);
  assert.match(code(() => identityFromClaims({ email: 'a@x', email_verified: false }, base)), /not verified/);
  assert.match(code(() => identityFromClaims({ email: 'a@x', groups: [1, 2] }, base)), /"groups" claim: .* \/ set --oidc-groups-claim/);
});
