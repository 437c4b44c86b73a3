// KubeClient.withHeaders: a view that adds headers (one line per array element) to every request, leaving the
// client it came from unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from './http.js';
import { ref } from './resource.js';

test('withHeaders adds its headers to every request of the view only, arrays as repeated lines', async () => {
  const seen: Array<{ user: string | undefined; groups: string[]; auth: string | undefined }> = [];
  const server = http.createServer((req, res) => {
    seen.push({
      user: req.headersDistinct['impersonate-user']?.[0],
      groups: req.headersDistinct['impersonate-group'] ?? [],
      auth: req.headers.authorization,
    });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"kind":"ConfigMap","metadata":{"name":"x"}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: false }],
    users: [{ name: 'u', token: 'console-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const base = await KubeClient.fromKubeConfig(kc);
  try {
    const view = base.withHeaders({ 'Impersonate-User': 'alice', 'Impersonate-Group': ['dev', 'system:authenticated'] });
    const cm = ref('v1', 'configmaps', 'default');
    await view.get(cm, 'x');
    await base.get(cm, 'x');
    await view.create(cm, { metadata: { name: 'y' } });
    assert.deepEqual(seen, [
      { user: 'alice', groups: ['dev', 'system:authenticated'], auth: 'Bearer console-token' },
      { user: undefined, groups: [], auth: 'Bearer console-token' },
      { user: 'alice', groups: ['dev', 'system:authenticated'], auth: 'Bearer console-token' },
    ]);
  } finally {
    base.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
