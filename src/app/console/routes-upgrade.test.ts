// The upgrade and local routes without a cluster (fastify inject): documented, validated, CSRF- and key-gated
// before any cluster call (the client points at a closed port).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../kube/http.js';
import { localKeyMatches } from './routes-local.js';
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
  srv = await buildConsole({ client: await KubeClient.fromKubeConfig(kc, { requestTimeoutMs: 500 }), events: false, localKey: 'k'.repeat(43) });
  const s = srv.sessions.create({ user: 'alice', groups: [], via: 'token' });
  cookie = `${SESSION_COOKIE}=${s.id}`;
  csrf = s.csrfToken;
});
after(() => srv.close());

test('the upgrade routes are in the OpenAPI document', async () => {
  const doc = JSON.parse((await srv.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).body) as { paths: Record<string, Record<string, unknown>> };
  for (const [path, method] of [
    ['/api/v1/upgrade/readiness', 'get'],
    ['/api/v1/upgrade/node-runs', 'get'],
    ['/api/v1/upgrade/node-runs/{name}', 'get'],
    ['/api/v1/upgrade/node-runs/{name}/{action}', 'post'],
    ['/api/v1/upgrade/switches', 'get'],
    ['/api/v1/upgrade/switches/{name}', 'get'],
    ['/api/v1/upgrade/switches/{name}/rollback', 'post'],
    ['/api/v1/local/admin-link', 'post'],
  ] as const) {
    assert.ok(doc.paths[path]?.[method], `${method} ${path} documented`);
  }
});

test('bad input is a 400 naming the field; a decision without the CSRF header is 403', async () => {
  const cases: Array<[string, string, RegExp]> = [
    ['GET', '/api/v1/upgrade/readiness', /querystring\.target/],
    ['GET', '/api/v1/upgrade/readiness?target=banana', /querystring\.target/],
    ['GET', '/api/v1/upgrade/node-runs?limit=5000', /querystring\.limit/],
    ['GET', '/api/v1/upgrade/node-runs/Bad_Name', /params\.name/],
    ['POST', '/api/v1/upgrade/node-runs/r1/explode', /params\.action/],
  ];
  for (const [method, url, field] of cases) {
    const r = await srv.app.inject({ method: method as 'GET' | 'POST', url, headers: { cookie, 'x-plinth-csrf': csrf } });
    assert.equal(r.statusCode, 400, `${method} ${url}: ${r.body}`);
    assert.match((JSON.parse(r.body) as { message: string }).message, field);
  }
  const noCsrf = await srv.app.inject({ method: 'POST', url: '/api/v1/upgrade/node-runs/r1/pause', headers: { cookie } });
  assert.equal(noCsrf.statusCode, 403);
  assert.equal((JSON.parse(noCsrf.body) as { code: string }).code, 'CONSOLE_CSRF');
  assert.equal((await srv.app.inject({ method: 'GET', url: '/api/v1/upgrade/node-runs' })).statusCode, 401);
});

test('the local admin-link route refuses a wrong or missing key', async () => {
  for (const headers of [{}, { 'x-plinth-local-key': 'wrong' }]) {
    const r = await srv.app.inject({ method: 'POST', url: '/api/v1/local/admin-link', headers });
    assert.equal(r.statusCode, 401);
    assert.equal((JSON.parse(r.body) as { code: string }).code, 'CONSOLE_SIGNIN_REFUSED');
  }
  assert.equal(localKeyMatches('abc', 'abc'), true);
  assert.equal(localKeyMatches('abc', 'abd'), false);
  assert.equal(localKeyMatches('abc', 'abcd'), false);
  assert.equal(localKeyMatches('', ''), false);
  assert.equal(localKeyMatches('abc', ['abc']), false);
});
