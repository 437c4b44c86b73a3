import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlinthError } from '../../errors/index.js';
import { parseListen, parseRoute, urlOfListen } from './routes.js';

const D = `sha256:${'ab'.repeat(32)}`;

test('artifact routes: GET and HEAD of a well-formed digest, colon plain or encoded, query ignored', () => {
  assert.deepEqual(parseRoute('GET', `/artifacts/${D}`), { kind: 'artifact', digest: D, head: false });
  assert.deepEqual(parseRoute('HEAD', `/artifacts/${D}`), { kind: 'artifact', digest: D, head: true });
  assert.deepEqual(parseRoute('GET', `/artifacts/${D.replace(':', '%3A')}?x=1`), { kind: 'artifact', digest: D, head: false });
  assert.deepEqual(parseRoute('GET', `/artifacts/${D}/`), { kind: 'artifact', digest: D, head: false });
  assert.deepEqual(parseRoute('GET', `/artifacts/${D.toUpperCase().replace('SHA256', 'sha256')}`), { kind: 'notFound' }, 'hex is lower-case');
  assert.deepEqual(parseRoute('GET', `/artifacts/sha1:${'ab'.repeat(20)}`), { kind: 'notFound' });
  assert.deepEqual(parseRoute('GET', `/artifacts/${D}/extra`), { kind: 'notFound' });
  assert.deepEqual(parseRoute('GET', '/artifacts/%E0%A4%A'), { kind: 'notFound' }, 'bad percent-encoding');
  assert.deepEqual(parseRoute('POST', `/artifacts/${D}`), { kind: 'methodNotAllowed', allow: 'GET, HEAD' });
});

test('hook routes: POST with a valid namespace and name only', () => {
  assert.deepEqual(parseRoute('POST', '/hooks/git/team-a/app.config'), { kind: 'hook', namespace: 'team-a', name: 'app.config' });
  assert.deepEqual(parseRoute('GET', '/hooks/git/team-a/app'), { kind: 'methodNotAllowed', allow: 'POST' });
  assert.deepEqual(parseRoute('POST', '/hooks/git/Team/app'), { kind: 'notFound' });
  assert.deepEqual(parseRoute('POST', '/hooks/git/team//app'), { kind: 'notFound' });
  assert.deepEqual(parseRoute('POST', '/hooks/git/team/%2e%2e'), { kind: 'notFound' });
  assert.deepEqual(parseRoute('POST', '/hooks/git/team'), { kind: 'notFound' });
  assert.deepEqual(parseRoute('POST', '/hooks/gitlab/a/b'), { kind: 'notFound' });
});

test('healthz and everything else', () => {
  assert.deepEqual(parseRoute('GET', '/healthz'), { kind: 'health' });
  assert.deepEqual(parseRoute('POST', '/healthz'), { kind: 'methodNotAllowed', allow: 'GET' });
  assert.deepEqual(parseRoute('GET', '/'), { kind: 'notFound' });
  assert.deepEqual(parseRoute('GET', '/metrics'), { kind: 'notFound' });
});

test('listen addresses: host:port, [v6]:port; errors name the address', () => {
  assert.deepEqual(parseListen('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseListen('0.0.0.0:9443'), { host: '0.0.0.0', port: 9443 });
  assert.deepEqual(parseListen('[::1]:9443'), { host: '::1', port: 9443 });
  assert.deepEqual(parseListen('hub.example.com:443'), { host: 'hub.example.com', port: 443 });
  for (const bad of ['9443', ':9443', '127.0.0.1:70000', '::1:9443', '[hub]:1', '127.0.0.1:x']) {
    assert.throws(() => parseListen(bad), (e: unknown) => e instanceof PlinthError && e.code === 'FLEET_LISTEN_INVALID' && e.message.includes(bad), bad);
  }
});

test('the URL of a listen address: wildcard binds are dialled on loopback, IPv6 bracketed', () => {
  assert.equal(urlOfListen('127.0.0.1', 4443), 'https://127.0.0.1:4443');
  assert.equal(urlOfListen('0.0.0.0', 4443), 'https://127.0.0.1:4443');
  assert.equal(urlOfListen('::', 4443), 'https://[::1]:4443');
  assert.equal(urlOfListen('hub.local', 1), 'https://hub.local:1');
});
