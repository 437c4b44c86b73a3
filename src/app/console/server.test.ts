// The console server without a cluster (fastify inject): the OpenAPI document, the session and CSRF gates, and
// input validation (all decided before any cluster call; the client points at a closed port).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../kube/http.js';
import { buildConsole, type ConsoleServer } from './server.js';
import { SESSION_COOKIE } from './session.js';

let srv: ConsoleServer;
let cookie = '';
let csrf = '';

before(async () => {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'http://127.0.0.1:9', skipTLSVerify: false }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  srv = await buildConsole({ client: await KubeClient.fromKubeConfig(kc, { requestTimeoutMs: 500 }), events: false });
  const s = srv.sessions.create({ user: 'alice', groups: ['dev'], via: 'token' });
  cookie = `${SESSION_COOKIE}=${s.id}`;
  csrf = s.csrfToken;
});
after(() => srv.close());

test('GET /api/v1/openapi.json is an OpenAPI 3 document with every route and the API kinds', async () => {
  const r = await srv.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  assert.equal(r.statusCode, 200);
  const doc = JSON.parse(r.body) as { openapi: string; paths: Record<string, Record<string, { parameters: Array<{ name: string; in: string }> }>>; components: { schemas: Record<string, unknown> } };
  assert.match(doc.openapi, /^3\./);
  for (const [path, method] of [
    ['/api/v1/session', 'post'],
    ['/api/v1/session', 'get'],
    ['/api/v1/session', 'delete'],
    ['/api/v1/releases', 'get'],
    ['/api/v1/namespaces/{ns}/releases/{name}', 'get'],
    ['/api/v1/namespaces/{ns}/releases/{name}/{action}', 'post'],
    ['/api/v1/events', 'get'],
    ['/api/v1/namespaces', 'get'],
    ['/api/v1/session/link', 'get'],
    ['/healthz', 'get'],
    ['/api/v1/overview', 'get'],
    ['/api/v1/fleet/sources', 'get'],
    ['/api/v1/fleet/deliveries', 'get'],
    ['/api/v1/namespaces/{ns}/fleet/deliveries/{name}', 'get'],
    ['/api/v1/namespaces/{ns}/fleet/deliveries/{name}/{action}', 'post'],
    ['/api/v1/audit', 'get'],
  ] as const) {
    assert.ok(doc.paths[path]?.[method], `${method} ${path} documented`);
  }
  assert.deepEqual(doc.paths['/api/v1/releases']!.get!.parameters.map((p) => `${p.in}:${p.name}`), ['query:namespace', 'query:phase', 'query:limit', 'query:continue']);
  assert.ok(doc.components.schemas['CellDeployment'] && doc.components.schemas['ReleaseOrder'] && doc.components.schemas['FleetDelivery']);
});

test('no session: 401 with {code, message, hint}; health and OpenAPI are public; unknown routes 404', async () => {
  const r = await srv.app.inject({ method: 'GET', url: '/api/v1/releases' });
  assert.equal(r.statusCode, 401);
  const body = JSON.parse(r.body) as Record<string, string>;
  assert.equal(body.code, 'CONSOLE_NOT_SIGNED_IN');
  assert.ok(body.message && body.hint);
  const gone = await srv.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: `${SESSION_COOKIE}=nope` } });
  assert.equal(gone.statusCode, 401);
  assert.match(gone.body, /session ended/);
  assert.equal((await srv.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  const nf = await srv.app.inject({ method: 'GET', url: '/api/v1/nothing', headers: { cookie } });
  assert.equal(nf.statusCode, 404);
  assert.equal((JSON.parse(nf.body) as { code: string }).code, 'CONSOLE_NO_ROUTE');
});

test('writes without the right X-Plinth-CSRF header are refused with 403', async () => {
  for (const headers of [{ cookie }, { cookie, 'x-plinth-csrf': 'wrong' }]) {
    const r = await srv.app.inject({ method: 'POST', url: '/api/v1/namespaces/ns/releases/web/confirm', headers });
    assert.equal(r.statusCode, 403);
    assert.equal((JSON.parse(r.body) as { code: string }).code, 'CONSOLE_CSRF');
  }
  const who = await srv.app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } });
  assert.equal(who.statusCode, 200);
  assert.deepEqual(JSON.parse(who.body), { user: 'alice', groups: ['dev'], csrfToken: csrf, expiresAt: (JSON.parse(who.body) as { expiresAt: string }).expiresAt });
});

test('bad input is a 400 naming the field', async () => {
  const cases: Array<[string, string, unknown, RegExp]> = [
    ['GET', '/api/v1/releases?limit=0', undefined, /querystring\.limit/],
    ['GET', '/api/v1/releases?phase=Dancing', undefined, /querystring\.phase/],
    ['GET', '/api/v1/releases?colour=red', undefined, /querystring.*colour/],
    ['GET', '/api/v1/namespaces/Bad_NS/releases/web', undefined, /params\.ns/],
    ['POST', '/api/v1/namespaces/ns/releases/web/explode', {}, /params\.action/],
    ['POST', '/api/v1/namespaces/ns/releases/web/confirm', { batch: 0 }, /body\.batch/],
    ['POST', '/api/v1/session', { token: { nested: true } }, /body\.token/],
    ['POST', '/api/v1/session', {}, /body\.token/],
    ['GET', '/api/v1/audit?kind=Pod', undefined, /querystring\.kind/],
    ['GET', '/api/v1/audit?limit=1001', undefined, /querystring\.limit/],
    ['GET', '/api/v1/fleet/deliveries?namespace=Bad_NS', undefined, /querystring\.namespace/],
    ['POST', '/api/v1/namespaces/ns/fleet/deliveries/app/explode', {}, /params\.action/],
    ['POST', '/api/v1/namespaces/ns/fleet/deliveries/app/rollback', { to: 'main' }, /body\.to/],
  ];
  for (const [method, url, payload, field] of cases) {
    const r = await srv.app.inject({ method: method as 'GET' | 'POST', url, headers: { cookie, 'x-plinth-csrf': csrf }, ...(payload !== undefined ? { payload: payload as object } : {}) });
    assert.equal(r.statusCode, 400, `${method} ${url}: ${r.body}`);
    const body = JSON.parse(r.body) as { code: string; message: string };
    assert.equal(body.code, 'INVALID_ARGUMENT');
    assert.match(body.message, field, `${method} ${url}`);
  }
});
