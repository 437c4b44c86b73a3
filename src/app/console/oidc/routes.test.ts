// The OIDC routes without an issuer (fastify inject): the public configuration says OIDC is off, the login
// route answers CONSOLE_OIDC_OFF, the callback sends the browser back to /signin with the code, and the
// OpenAPI document lists the routes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../../kube/http.js';
import { buildConsole, type ConsoleServer } from '../server.js';
import { signinErrorUrl } from './routes.js';

let srv: ConsoleServer;

before(async () => {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: 'http://127.0.0.1:9', skipTLSVerify: false }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  srv = await buildConsole({ client: await KubeClient.fromKubeConfig(kc, { requestTimeoutMs: 500 }), events: false });
});
after(() => srv.close());

test('without --oidc-issuer: config says off, login is CONSOLE_OIDC_OFF, the callback redirects to /signin?error=', async () => {
  const cfg = await srv.app.inject({ method: 'GET', url: '/api/v1/session/config' });
  assert.equal(cfg.statusCode, 200);
  assert.deepEqual(cfg.json(), { oidc: { enabled: false }, tokenLogin: true });
  const login = await srv.app.inject({ method: 'GET', url: '/api/v1/session/oidc/login?next=/releases' });
  assert.equal(login.statusCode, 404);
  assert.equal(login.json<{ code: string }>().code, 'CONSOLE_OIDC_OFF');
  const cb = await srv.app.inject({ method: 'GET', url: '/api/v1/session/oidc/callback?code=c&state=s&session_state=x' });
  assert.equal(cb.statusCode, 302);
  assert.equal(cb.headers.location, '/signin?error=CONSOLE_OIDC_OFF');
  assert.equal(cb.headers['set-cookie'], undefined);
  const bad = await srv.app.inject({ method: 'GET', url: '/api/v1/session/oidc/login?other=1' });
  assert.equal(bad.statusCode, 400, 'unknown login parameters are refused');
  assert.equal(signinErrorUrl('A&B'), '/signin?error=A%26B');
});

test('the OpenAPI document lists the sign-in configuration and the OIDC routes', async () => {
  const doc = (await srv.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, unknown> }>();
  for (const p of ['/api/v1/session/config', '/api/v1/session/oidc/login', '/api/v1/session/oidc/callback']) assert.ok(doc.paths[p], p);
});
