import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { localKubeconfigFallback } from '../app/stack/status.js';
import { localKubeconfig, namespaceOf } from './client.js';

function kc(namespace?: string): KubeConfig {
  const k = new KubeConfig();
  k.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:6443' }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u', ...(namespace ? { namespace } : {}) }],
    currentContext: 'c',
  });
  return k;
}

test('the namespace: -n, else the context namespace, else default', () => {
  assert.deepEqual(namespaceOf(kc(), undefined), { namespace: 'default', defaultNamespace: 'default' });
  assert.deepEqual(namespaceOf(kc('team-a'), undefined), { namespace: 'team-a', defaultNamespace: 'team-a' });
  assert.deepEqual(namespaceOf(kc('team-a'), 'prod'), { namespace: 'prod', defaultNamespace: 'team-a' });
});

test("the local cluster's kubeconfig is found where `plinth up` writes it", () => {
  const dir = mkdtempSync(join(tmpdir(), 'plinth-cache-'));
  const saved = process.env.PLINTH_CACHE_DIR;
  process.env.PLINTH_CACHE_DIR = dir;
  try {
    assert.equal(localKubeconfig(), undefined);
    mkdirSync(join(dir, 'clusters', 'plinth'), { recursive: true });
    writeFileSync(join(dir, 'clusters', 'plinth', 'kubeconfig'), '');
    assert.equal(localKubeconfig(), localKubeconfigFallback());
    assert.ok(localKubeconfig()?.startsWith(dir));
  } finally {
    if (saved === undefined) delete process.env.PLINTH_CACHE_DIR;
    else process.env.PLINTH_CACHE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
