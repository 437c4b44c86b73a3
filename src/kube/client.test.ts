import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { localKubeconfig } from './cache-dir.js';
import { kubeConfigFor, namespaceOf, openClient } from './client.js';

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

function kubeconfigYaml(server: string, contexts: string[] = ['c'], namespace?: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{name: c, cluster: {server: "${server}"}}]`,
    'users: [{name: u, user: {token: t}}]',
    `contexts: [${contexts.map((n) => `{name: ${n}, context: {cluster: c, user: u${namespace ? `, namespace: ${namespace}` : ''}}}`).join(', ')}]`,
    `current-context: ${contexts[0]}`,
    '',
  ].join('\n');
}

/** A temporary PLINTH_CACHE_DIR (with or without a local cluster's kubeconfig) and KUBECONFIG unset. */
function withHome(t: { after(fn: () => void): void }, local: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'plinth-client-'));
  const saved = { cache: process.env.PLINTH_CACHE_DIR, kubeconfig: process.env.KUBECONFIG, home: process.env.HOME };
  process.env.PLINTH_CACHE_DIR = dir;
  process.env.HOME = dir;
  delete process.env.KUBECONFIG;
  if (local) {
    mkdirSync(join(dir, 'clusters', 'plinth'), { recursive: true });
    writeFileSync(join(dir, 'clusters', 'plinth', 'kubeconfig'), kubeconfigYaml('https://127.0.0.1:1111'));
  }
  t.after(() => {
    for (const [k, v] of [['PLINTH_CACHE_DIR', saved.cache], ['KUBECONFIG', saved.kubeconfig], ['HOME', saved.home]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

test('the namespace: -n, else the context namespace, else default', () => {
  assert.deepEqual(namespaceOf(kc(), undefined), { namespace: 'default', defaultNamespace: 'default' });
  assert.deepEqual(namespaceOf(kc('team-a'), undefined), { namespace: 'team-a', defaultNamespace: 'team-a' });
  assert.deepEqual(namespaceOf(kc('team-a'), 'prod'), { namespace: 'prod', defaultNamespace: 'team-a' });
});

test("the local cluster's kubeconfig is found where `plinth up` writes it", (t) => {
  const dir = withHome(t, false);
  assert.equal(localKubeconfig(), undefined);
  mkdirSync(join(dir, 'clusters', 'plinth'), { recursive: true });
  writeFileSync(join(dir, 'clusters', 'plinth', 'kubeconfig'), '');
  assert.equal(localKubeconfig(), join(dir, 'clusters', 'plinth', 'kubeconfig'));
});

test('without --kubeconfig or $KUBECONFIG, every command falls back to the local cluster', async (t) => {
  const dir = withHome(t, true);
  const s = await openClient({}, { userAgent: 'test' });
  t.after(() => s.close());
  assert.equal(s.kubeconfigPath, join(dir, 'clusters', 'plinth', 'kubeconfig'));
  assert.equal(s.kc.getCurrentCluster()?.server, 'https://127.0.0.1:1111');
  assert.equal(s.namespace, 'default');
});

test('--kubeconfig, then $KUBECONFIG, win over the local cluster; --context and -n apply', async (t) => {
  const dir = withHome(t, true);
  const flagFile = join(dir, 'flag.yaml');
  const envFile = join(dir, 'env.yaml');
  writeFileSync(flagFile, kubeconfigYaml('https://127.0.0.1:2222', ['a', 'b'], 'team-a'));
  writeFileSync(envFile, kubeconfigYaml('https://127.0.0.1:3333'));
  assert.equal(kubeConfigFor({ kubeconfig: flagFile }).path, flagFile);
  process.env.KUBECONFIG = envFile;
  assert.equal(kubeConfigFor({}).kc.getCurrentCluster()?.server, 'https://127.0.0.1:3333');
  const s = await openClient({ kubeconfig: flagFile, context: 'b', namespace: 'prod' }, { userAgent: 'test' });
  t.after(() => s.close());
  assert.equal(s.kc.getCurrentContext(), 'b');
  assert.deepEqual([s.namespace, s.defaultNamespace], ['prod', 'team-a']);
});

test('an unknown context or no kubeconfig at all is one clear error', (t) => {
  const dir = withHome(t, false);
  assert.throws(() => kubeConfigFor({}), /no kubeconfig given and none found/);
  const f = join(dir, 'k.yaml');
  writeFileSync(f, kubeconfigYaml('https://127.0.0.1:2222', ['a']));
  assert.throws(() => kubeConfigFor({ kubeconfig: f, context: 'nope' }), /context "nope" not found \(contexts: a\)/);
});

test('the local cluster stopped by `plinth down` (its kubeconfig kept) is named, not a connection error later', (t) => {
  const dir = withHome(t, true);
  writeFileSync(join(dir, 'clusters', 'plinth', 'cluster.json'), JSON.stringify({ phase: 'stopped' }));
  assert.throws(() => kubeConfigFor({}), /no local cluster "plinth" is running/);
  writeFileSync(join(dir, 'clusters', 'plinth', 'cluster.json'), JSON.stringify({ phase: 'running' }));
  assert.equal(kubeConfigFor({}).path, join(dir, 'clusters', 'plinth', 'kubeconfig'));
});
