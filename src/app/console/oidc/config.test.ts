import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlinthError } from '../../../errors/index.js';
import { oidcSettings } from './config.js';

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PlinthError);
    assert.equal(err.code, 'INVALID_ARGUMENT');
    return err.message;
  }
  return 'accepted';
}

test('flags become settings: defaults, the redirect URL from the console URL, the secret from its file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-config-'));
  writeFileSync(join(dir, 'secret'), 's3cret\n');
  const s = oidcSettings({ issuer: 'https://sso.example.com/realms/main', clientId: 'plinth', clientSecretFile: join(dir, 'secret') }, 'http://127.0.0.1:8443');
  assert.deepEqual(s, {
    issuer: 'https://sso.example.com/realms/main',
    clientId: 'plinth',
    clientSecret: 's3cret',
    redirectUrl: 'http://127.0.0.1:8443/api/v1/session/oidc/callback',
    scopes: ['openid', 'email', 'profile', 'groups'],
    usernameClaim: 'email',
    groupsClaim: 'groups',
  });
  const t = oidcSettings({ issuer: 'http://127.0.0.1:9000', clientId: 'c', redirectUrl: 'https://console.example.com/cb', scopes: 'email groups', usernameClaim: 'sub', usernamePrefix: '-', groupsPrefix: 'oidc:' }, 'http://x');
  assert.equal(t.clientSecret, undefined, 'no secret file: a public client');
  assert.deepEqual(t.scopes, ['openid', 'email', 'groups']);
  assert.equal(t.redirectUrl, 'https://console.example.com/cb');
  assert.equal(t.usernamePrefix, '-');
  assert.equal(t.groupsPrefix, 'oidc:');

  assert.match(invalid(() => oidcSettings({ issuer: 'http://sso.example.com', clientId: 'c' }, 'http://127.0.0.1:1')), /--oidc-issuer: "http:\/\/sso.example.com" is neither https nor http on a loopback/);
  assert.match(invalid(() => oidcSettings({ issuer: 'sso', clientId: 'c' }, 'http://127.0.0.1:1')), /not an absolute URL/);
  assert.match(invalid(() => oidcSettings({ issuer: 'https://sso' }, 'http://127.0.0.1:1')), /--oidc-client-id: missing/);
  assert.match(invalid(() => oidcSettings({ issuer: 'https://sso', clientId: 'c', clientSecretFile: join(dir, 'nope') }, 'http://127.0.0.1:1')), /--oidc-client-secret-file: cannot read/);
  writeFileSync(join(dir, 'empty'), '\n');
  assert.match(invalid(() => oidcSettings({ issuer: 'https://sso', clientId: 'c', clientSecretFile: join(dir, 'empty') }, 'http://127.0.0.1:1')), /is empty/);
  assert.match(invalid(() => oidcSettings({ issuer: 'https://sso', clientId: 'c' }, 'http://10.0.0.1:8443')), /--oidc-redirect-url/);
});
