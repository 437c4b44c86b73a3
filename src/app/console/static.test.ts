// The web UI's serving without a cluster (fastify inject): files, the SPA fallback, JSON 404s under /api.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../kube/http.js';
import { buildConsole, type ConsoleServer } from './server.js';
import { staticTarget } from './static.js';

test('staticTarget: /api is never a file; files under the root; everything else index.html', () => {
  const files = new Set(['/w/index.html', '/w/assets/app-1.js', '/w/favicon.ico']);
  const isFile = (p: string): boolean => files.has(p);
  assert.deepEqual(staticTarget('/w', '/api/v1/nothing', isFile), { kind: 'api' });
  assert.deepEqual(staticTarget('/w', '/api', isFile), { kind: 'api' });
  assert.deepEqual(staticTarget('/w', '/assets/app-1.js?v=1', isFile), { kind: 'file', file: 'assets/app-1.js' });
  assert.deepEqual(staticTarget('/w', '/favicon.ico', isFile), { kind: 'file', file: 'favicon.ico' });
  assert.deepEqual(staticTarget('/w', '/releases/shop/web', isFile), { kind: 'index' });
  assert.deepEqual(staticTarget('/w', '/', isFile), { kind: 'index' });
  assert.deepEqual(staticTarget('/w', '/../etc/passwd', () => true), { kind: 'index' });
  assert.deepEqual(staticTarget('/w', '/%2e%2e/etc/passwd', () => true), { kind: 'index' });
  assert.deepEqual(staticTarget('/w', '/%zz', isFile), { kind: 'index' });
});

let srv: ConsoleServer;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plinth-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Plinth</title>');
  writeFileSync(join(dir, 'assets', 'app-1.js'), 'console.log(1)');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'http://127.0.0.1:9', skipTLSVerify: false }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  srv = await buildConsole({ client: await KubeClient.fromKubeConfig(kc, { requestTimeoutMs: 500 }), events: false, webDir: dir });
});
after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the web UI: index.html at / and for client-side routes, assets cached, no session needed', async () => {
  for (const url of ['/', '/releases/shop/web', '/upgrade/runs/r1']) {
    const r = await srv.app.inject({ method: 'GET', url });
    assert.equal(r.statusCode, 200, url);
    assert.match(r.headers['content-type'] as string, /text\/html/);
    assert.match(r.body, /<title>Plinth<\/title>/);
  }
  const js = await srv.app.inject({ method: 'GET', url: '/assets/app-1.js' });
  assert.equal(js.statusCode, 200);
  assert.equal(js.body, 'console.log(1)');
  assert.match(js.headers['cache-control'] as string, /immutable/);
});

test('unknown /api paths stay JSON 404s; the API still needs a session; health is unchanged', async () => {
  const nf = await srv.app.inject({ method: 'GET', url: '/api/v1/nothing' });
  assert.equal(nf.statusCode, 404);
  assert.equal((JSON.parse(nf.body) as { code: string }).code, 'CONSOLE_NO_ROUTE');
  assert.equal((await srv.app.inject({ method: 'GET', url: '/api/v1/releases' })).statusCode, 401);
  assert.deepEqual(JSON.parse((await srv.app.inject({ method: 'GET', url: '/healthz' })).body), { ok: true });
  const post = await srv.app.inject({ method: 'POST', url: '/somewhere' });
  assert.equal(post.statusCode, 404);
});
