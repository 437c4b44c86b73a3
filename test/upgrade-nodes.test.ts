// `plinth upgrade nodes` on real local clusters, OLD (1.24) and NEW: a rolling upgrade with
// PodDisruptionBudgets never violates one (an invariant watcher runs through the whole test),
// DaemonSet pods stay, and a drain blocked by a PDB waits, names it and gives up without forcing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { KubeClient } from '../src/kube/http.js';
import { CORE } from '../src/kube/resource.js';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import {
  CordonWatcher,
  createDaemonSet,
  createDeployment,
  createPdb,
  ensureNamespace,
  PdbWatcher,
  runNodes,
  waitDeploymentsReady,
  waitFor,
} from './support/upgrade-nodes-env.js';

type Version = 'old' | 'new';
const VERSIONS: Version[] = (process.env.PLINTH_TEST_VERSIONS?.split(',') as Version[] | undefined) ?? ['old', 'new'];
const NS = 'shop';

interface Report {
  phase: string;
  evictionApi: string;
  counts: { total: number; done: number; failed: number };
  nodes: Array<{ name: string; phase: string; from?: string; to?: string; evicted: number; blockedBy?: string[]; message?: string; upgradeAttempts: number; timings: Record<string, number> }>;
}

for (const v of VERSIONS) {
  describe(`upgrade nodes on ${v.toUpperCase()}`, { concurrency: false }, () => {
    let cluster: LocalCluster;
    let client: KubeClient;
    let watcher: PdbWatcher;
    let cordons: CordonWatcher;
    // OLD clusters keep their budgets in policy/v1beta1, as they were written before 1.25.
    const pdbApi = v === 'old' ? 'policy/v1beta1' : 'policy/v1';
    const target = v === 'old' ? 'v1.25.16' : 'v1.35.0';

    before(async () => {
      cluster = await startCluster({ version: v, nodes: 6, zones: 3 });
      client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
      await ensureNamespace(client, NS);
      await createDeployment(client, NS, 'web', 12);
      await createDeployment(client, NS, 'api', 6);
      await createDaemonSet(client, NS, 'agent');
      await createPdb(client, pdbApi, NS, 'web', 'web', { maxUnavailable: 1 });
      await createPdb(client, pdbApi, NS, 'api', 'api', { minAvailable: 5 });
      await waitDeploymentsReady(client, NS, ['web', 'api']);
      watcher = new PdbWatcher(client, 'policy/v1', new Map([[`${NS}/web`, 12], [`${NS}/api`, 6], [`${NS}/blocked`, 2]]));
      await watcher.start();
      cordons = new CordonWatcher(client);
      await cordons.start();
      watcher.arm();
    });

    after(async () => {
      await watcher?.stop();
      await cordons?.stop();
      client?.close();
      await cluster?.stop();
    });

    test('every node is drained, upgraded and uncordoned in a window of 2; no PDB is ever violated; DaemonSet pods stay', async () => {
      const daemonPods = (await client.list<V1Pod>(CORE.pods, { labelSelector: 'app=agent' })).items.map((p) => p.metadata!.uid!);
      assert.equal(daemonPods.length, 6);
      const r = await runNodes(['--max-unavailable', '2', '--simulate-version', target, '-o', 'json'], cluster.kubeconfigPath);
      assert.equal(r.code, 0, r.stderr);
      const rep = JSON.parse(r.stdout) as Report;
      process.stdout.write(`# ${v}: eviction API ${rep.evictionApi}; lowest ready: ${JSON.stringify(Object.fromEntries(watcher.lowest))}\n`);
      assert.equal(rep.phase, 'Succeeded');
      assert.equal(rep.counts.done, 6);
      assert.match(rep.evictionApi, /^policy\/v1(beta1)?$/);
      for (const n of rep.nodes) {
        assert.equal(n.phase, 'done', `${n.name}: ${n.message}`);
        assert.equal(n.to, target);
        assert.equal(n.upgradeAttempts, 1);
        assert.ok(n.timings.total! > 0);
      }
      assert.ok(rep.nodes.reduce((a, n) => a + n.evicted, 0) >= 18, 'every web and api pod was evicted once');
      // Every node: cordoned exactly once, uncordoned at the end, reporting the target version.
      const nodes = (await client.list<V1Node>(CORE.nodes)).items;
      for (const n of nodes) {
        assert.equal(cordons.cordons.get(n.metadata!.name!), 1, `${n.metadata!.name} cordoned once`);
        assert.notEqual(n.spec?.unschedulable, true);
        assert.equal(n.status?.nodeInfo?.kubeletVersion, target);
      }
      // The budgets were exercised (pods did go away) and never broken.
      assert.ok((watcher.lowest.get(`${NS}/web`) ?? 99) < 12, 'web lost a ready pod at some point');
      assert.deepEqual(watcher.violations, []);
      const after = (await client.list<V1Pod>(CORE.pods, { labelSelector: 'app=agent' })).items.map((p) => p.metadata!.uid!);
      assert.deepEqual(after.sort(), daemonPods.sort(), 'DaemonSet pods were not evicted');
      await waitDeploymentsReady(client, NS, ['web', 'api']);
    });

    test('a drain blocked by a PDB (minAvailable = replicas) waits, names the PDB, gives up after its timeout and forces nothing', async () => {
      await createDeployment(client, NS, 'blocked', 2);
      await createPdb(client, pdbApi, NS, 'blocked', 'blocked', { minAvailable: 2 });
      await waitDeploymentsReady(client, NS, ['blocked']);
      await waitFor(async () => {
        const b = await client.get<{ status?: { currentHealthy?: number; observedGeneration?: number } }>({ group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', namespace: NS }, 'blocked');
        return b.status?.currentHealthy === 2;
      }, 'PDB blocked observed');
      const pod = (await client.list<V1Pod>(CORE.pods, { labelSelector: 'app=blocked' })).items[0]!;
      const node = pod.spec!.nodeName!;
      const t0 = Date.now();
      const r = await runNodes(
        ['-l', `kubernetes.io/hostname=${node}`, '--max-unavailable', '1', '--simulate-version', 'v1.99.0', '--drain-timeout', '6s', '--name', 'blocked', '-o', 'json'],
        cluster.kubeconfigPath,
      );
      const seconds = (Date.now() - t0) / 1000;
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, new RegExp(`blocked by PodDisruptionBudget ${NS}/blocked`));
      assert.match(r.stderr, /UPGRADE_NODES_FAILED/);
      const rep = JSON.parse(r.stdout) as Report;
      const n = rep.nodes[0]!;
      assert.equal(n.phase, 'failed');
      // shop/blocked is named; a PDB that held one of the node's other pods for more than 2 s (web's, while its
      // first pod's successor comes up on a loaded machine) may be named too.
      assert.ok(n.blockedBy?.includes(`${NS}/blocked`), JSON.stringify(n.blockedBy));
      assert.match(n.message!, /blocked by PodDisruptionBudget shop\/blocked.*nothing was forced.*left cordoned/);
      assert.ok(seconds >= 6, `waited for the drain timeout (${seconds}s)`);
      // Nothing forced: the pod is still there (same uid), the node is left cordoned and not upgraded.
      const still = await client.get<V1Pod>({ ...CORE.pods, namespace: NS }, pod.metadata!.name!);
      assert.equal(still.metadata!.uid, pod.metadata!.uid);
      assert.equal(still.metadata!.deletionTimestamp, undefined);
      const nodeObj = await client.get<V1Node>(CORE.nodes, node);
      assert.equal(nodeObj.spec?.unschedulable, true);
      assert.equal(nodeObj.status?.nodeInfo?.kubeletVersion, target);
      assert.deepEqual(watcher.violations, []);
    });
  });
}
