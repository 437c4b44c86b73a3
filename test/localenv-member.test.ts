// Light member clusters (`member: true`) on one shared etcd: each is a real cluster where a Deployment
// becomes Available, their data is kept apart by the etcd prefix (a namespace made in one is not in the
// other), stopping one leaves the shared etcd and the other running, and one stopped with its data kept
// comes back on the shared etcd with its objects.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { KubeClient } from '../src/kube/http.js';
import { ref } from '../src/kube/resource.js';
import { restartCluster, sharedEtcdAlive, startCluster, startSharedEtcd, stopCluster, type LocalCluster, type SharedEtcd } from '../src/localenv/index.js';
import { waitFor } from './fixtures/kube-helpers.js';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';

const tag = randomBytes(3).toString('hex');
let etcd: SharedEtcd;
let a: LocalCluster;
let b: LocalCluster;

before(async () => {
  etcd = await startSharedEtcd({ name: `tmember-etcd-${tag}` });
  [a, b] = await Promise.all([
    startCluster({ name: `tmember-a-${tag}`, member: true, sharedEtcd: etcd }),
    startCluster({ name: `tmember-b-${tag}`, member: true, sharedEtcd: etcd, version: 'old', nodeLabels: { 'kubernetes.io/arch': 'arm64' } }),
  ]);
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()].map((p) => p?.catch(() => undefined)));
  await etcd?.stop();
});

async function client(kubeconfig: string): Promise<KubeClient> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return KubeClient.fromKubeConfig(kc);
}

const DEPLOYMENTS = ref('apps/v1', 'deployments', 'default');
const NAMESPACES = ref('v1', 'namespaces');

async function deployAndWait(c: KubeClient, name: string): Promise<void> {
  await c.create(DEPLOYMENTS, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
    },
  });
  await waitFor(
    async () => ((await c.get<{ status?: { availableReplicas?: number } }>(DEPLOYMENTS, name)).status?.availableReplicas ?? 0) === 2,
    `${name} Available`,
    90_000,
    250,
  );
}

test('members on one etcd: Deployments become Available in each, and their data is kept apart', { timeout: 180_000 }, async () => {
  const ca = await client(a.kubeconfigPath);
  const cb = await client(b.kubeconfigPath);
  try {
    await Promise.all([deployAndWait(ca, 'web'), deployAndWait(cb, 'web')]);
    await ca.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `only-a-${tag}` } });
    const inB = (await cb.list<{ metadata: { name: string } }>(NAMESPACES)).items.map((n) => n.metadata.name);
    assert.ok(!inB.includes(`only-a-${tag}`), 'a namespace of member a is not in member b');
    const nodes = await cb.list<{ status?: { nodeInfo?: { architecture?: string } } }>(ref('v1', 'nodes'));
    assert.deepEqual(nodes.items.map((n) => n.status?.nodeInfo?.architecture), ['arm64'], 'member b: one arm64 node');
    // One etcd for both: neither runs its own.
    for (const c of [a, b]) {
      const rec = JSON.parse(readFileSync(`${c.stateDir}/cluster.json`, 'utf8')) as { components: { etcd: { pid: number | null } }; sharedEtcd: { prefix: string } };
      assert.equal(rec.components.etcd.pid, null);
      assert.equal(rec.sharedEtcd.prefix, `/plinth-members/${c.name}`);
    }
  } finally {
    ca.close();
    cb.close();
  }
});

test('a member stopped with its data comes back on the shared etcd; the other member and the etcd keep running', { timeout: 180_000 }, async () => {
  const name = `tmember-c-${tag}`;
  const c = await startCluster({ name, member: true, sharedEtcd: etcd, detached: true, keepStateDir: true });
  try {
    const cc = await client(c.kubeconfigPath);
    await cc.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kept' } });
    cc.close();
    await stopCluster(name, { keepData: true });
    assert.equal(sharedEtcdAlive(etcd.stateDir), true, 'stopping a member leaves the shared etcd running');
    const cb = await client(b.kubeconfigPath);
    assert.ok((await cb.list(NAMESPACES)).items.length > 0, 'the other member still answers');
    cb.close();
    const back = await restartCluster(name);
    assert.equal(back.reused, false);
    const again = await client(back.kubeconfigPath);
    try {
      assert.equal((await again.get<{ metadata: { name: string } }>(NAMESPACES, 'kept')).metadata.name, 'kept');
    } finally {
      again.close();
    }
  } finally {
    await stopCluster(name).catch(() => undefined);
    await rm(c.stateDir, { recursive: true, force: true });
  }
});
