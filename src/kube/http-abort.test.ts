// A controller's one long-lived signal shared by many requests in flight: the signal carries one abort
// listener (MaxListenersExceededWarning came from one per request), none once they are done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import http from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from './http.js';
import { ref } from './resource.js';

/** Starts `server` on a loopback port and returns a kubeconfig pointing at it. */
async function listening(server: http.Server): Promise<KubeConfig> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as { port: number }).port}` }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

test('parallel requests and a watch on one signal hold one abort listener; an abort still ends them all', async () => {
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/api/v1/namespaces/ns/configmaps/fast')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"metadata":{"name":"fast"}}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    held.push(res);
  });
  const kc = await listening(server);
  const client = await KubeClient.fromKubeConfig(kc, { requestTimeoutMs: 30_000 });
  const cms = ref('v1', 'configmaps', 'ns');
  const ac = new AbortController();
  try {
    // Finished requests leave nothing behind.
    await Promise.all(Array.from({ length: 20 }, () => client.get(cms, 'fast', { signal: ac.signal })));
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
    // Twenty requests and a watch in flight at once.
    const slow = Array.from({ length: 20 }, (_, i) => client.get(cms, `slow-${i}`, { signal: ac.signal }));
    const watch = (async () => {
      for await (const _ of client.watch(cms, { signal: ac.signal })) void _;
    })();
    while (held.length < 21) await new Promise((r) => setTimeout(r, 10));
    assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
    ac.abort(new Error('stop'));
    const results = await Promise.allSettled([...slow, watch]);
    assert.ok(results.every((r) => r.status === 'rejected'), 'every request and the watch ended with the abort');
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('retries of 429 leave no abort listener behind on the caller\'s signal', async () => {
  let calls = 0;
  const server = http.createServer((_req, res) => {
    calls++;
    if (calls % 2 === 1) {
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '0' });
      res.end('{"kind":"Status","code":429,"reason":"TooManyRequests"}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"metadata":{"name":"a"}}');
  });
  const kc = await listening(server);
  const client = await KubeClient.fromKubeConfig(kc);
  const ac = new AbortController();
  try {
    for (let i = 0; i < 12; i++) await client.get(ref('v1', 'configmaps', 'ns'), 'a', { signal: ac.signal });
    assert.equal(calls, 24, 'every request was throttled once and retried');
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
