// Transport mechanics of KubeClient against a local plain-HTTP server: error mapping, retries of
// 429, deadlines, streaming watch decoding across chunk boundaries, abort. (API semantics are
// tested against real API servers in test/kube-*.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { PlinthError } from '../errors/index.js';
import { isConflict, isGone, isNotFound, KubeApiError } from './api-error.js';
import { KubeClient, queryString } from './http.js';
import { ref } from './resource.js';

async function serve(handler: http.RequestListener): Promise<{ client: KubeClient; close: () => Promise<void>; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers['content-type'] ?? ''}`.trim());
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: false }],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const client = await KubeClient.fromKubeConfig(kc, { requestTimeoutMs: 500 });
  return {
    client,
    requests,
    close: () =>
      new Promise<void>((r) => {
        client.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const cms = ref('v1', 'configmaps', 'ns');

void test('JSON requests: paths, query, content types, bearer token', async () => {
  let auth = '';
  const s = await serve((req, res) => {
    auth = req.headers.authorization ?? '';
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'a' } }));
  });
  try {
    const obj = await s.client.get(cms, 'a');
    assert.equal(obj.metadata?.name, 'a');
    await s.client.patch(cms, 'a', { data: { x: '1' } }, 'merge');
    await s.client.patch(cms, 'a', { apiVersion: 'v1', kind: 'ConfigMap' }, 'apply', { fieldManager: 'plinth', force: true });
    await s.client.patch(cms, 'a', [{ op: 'add', path: '/data/y', value: '2' }], 'json', { subresource: 'status' });
    assert.equal(await s.client.patchNoResult(cms, 'a', { apiVersion: 'v1', kind: 'ConfigMap' }, 'apply', { fieldManager: 'bulk', force: true, fieldValidation: 'Ignore' }), undefined);
    await s.client.list(ref('apps/v1', 'deployments'), { labelSelector: 'app=web,tier in (a,b)', limit: 5 });
    assert.equal(auth, 'Bearer secret-token');
    assert.deepEqual(s.requests, [
      'GET /api/v1/namespaces/ns/configmaps/a',
      'PATCH /api/v1/namespaces/ns/configmaps/a application/merge-patch+json',
      'PATCH /api/v1/namespaces/ns/configmaps/a?fieldManager=plinth&force=true application/apply-patch+yaml',
      'PATCH /api/v1/namespaces/ns/configmaps/a/status application/json-patch+json',
      'PATCH /api/v1/namespaces/ns/configmaps/a?fieldManager=bulk&fieldValidation=Ignore&force=true application/apply-patch+yaml',
      'GET /apis/apps/v1/deployments?labelSelector=app%3Dweb%2Ctier%20in%20(a%2Cb)&limit=5',
    ]);
  } finally {
    await s.close();
  }
});

void test('errors map to KubeApiError with status, reason and the server message', async () => {
  const s = await serve((req, res) => {
    const status = Number(req.url?.split('/').pop());
    res.writeHead(status, { 'Content-Type': 'application/json' });
    if (status === 500) res.end('plain text failure');
    else res.end(JSON.stringify({ kind: 'Status', status: 'Failure', code: status, reason: status === 409 ? 'Conflict' : status === 410 ? 'Expired' : 'NotFound', message: `m${status}` }));
  });
  try {
    const err = (await s.client.get(cms, '404').catch((e: unknown) => e)) as KubeApiError;
    assert.ok(err instanceof KubeApiError && err instanceof PlinthError);
    assert.equal(err.status, 404);
    assert.equal(err.reason, 'NotFound');
    assert.equal(err.apiMessage, 'm404');
    assert.match(err.userLine(), /Kubernetes API get configmaps ns\/404 failed: 404 NotFound: m404 \(KUBE_API\)/);
    assert.ok(isNotFound(err));
    assert.ok(isConflict(await s.client.get(cms, '409').catch((e: unknown) => e)));
    assert.ok(isGone(await s.client.get(cms, '410').catch((e: unknown) => e)));
    const e500 = (await s.client.get(cms, '500').catch((e: unknown) => e)) as KubeApiError;
    assert.equal(e500.reason, 'InternalError');
    assert.equal(e500.apiMessage, 'plain text failure');
  } finally {
    await s.close();
  }
});

void test('429 is retried after Retry-After; a hung request hits the deadline', async () => {
  let n = 0;
  const s = await serve((req, res) => {
    if (req.url?.includes('hang')) return; // never answers
    if (n++ < 2) {
      res.writeHead(429, { 'Retry-After': '0.05', 'Content-Type': 'application/json' });
      res.end('{"kind":"Status","code":429,"reason":"TooManyRequests"}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"ok":true}');
  });
  try {
    assert.deepEqual(await s.client.request({ method: 'GET', path: '/x' }), { ok: true });
    assert.equal(n, 3);
    const t0 = Date.now();
    const err = await s.client.request({ method: 'GET', path: '/hang' }).catch((e: unknown) => e);
    assert.ok(err instanceof PlinthError && err.code === 'TIMEOUT', String(err));
    assert.ok(Date.now() - t0 < 2000);
  } finally {
    await s.close();
  }
});

void test('watch decodes events split across chunks, returns on a clean end, aborts promptly', async () => {
  const s = await serve((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const lines = [
      JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '1', annotations: { note: 'ünïcødé ✓' } } } }),
      JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '5' } } }),
    ];
    const text = Buffer.from(lines.map((l) => `${l}\n`).join(''));
    // Send in 7-byte pieces, splitting multi-byte characters.
    let i = 0;
    const tick = setInterval(() => {
      if (i >= text.length) {
        clearInterval(tick);
        if (req.url?.includes('resourceVersion=hold')) return; // keep the stream open
        res.end();
        return;
      }
      res.write(text.subarray(i, i + 7));
      i += 7;
    }, 1);
    req.on('close', () => clearInterval(tick));
  });
  try {
    const events = [];
    for await (const ev of s.client.watch(cms, { resourceVersion: '0' })) events.push(ev);
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'BOOKMARK'],
    );
    assert.equal(events[0]!.object.metadata?.annotations?.note, 'ünïcødé ✓');
    assert.match(s.requests[0]!, /watch=1&resourceVersion=0&allowWatchBookmarks=true/);

    const ac = new AbortController();
    const seen: string[] = [];
    const t0 = Date.now();
    const run = (async () => {
      for await (const ev of s.client.watch(cms, { resourceVersion: 'hold', signal: ac.signal })) {
        seen.push(ev.type);
        if (seen.length === 2) setTimeout(() => ac.abort(new Error('stop now')), 20);
      }
    })();
    await assert.rejects(run, /stop now/);
    assert.deepEqual(seen, ['ADDED', 'BOOKMARK']);
    assert.ok(Date.now() - t0 < 2000);
  } finally {
    await s.close();
  }
});

void test('queryString drops empty values and encodes the rest', () => {
  assert.equal(queryString({ a: 'x y', b: undefined, c: '', d: 1, e: true }), '?a=x%20y&d=1&e=true');
  assert.equal(queryString({}), '');
});
