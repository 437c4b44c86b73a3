// The informer recovers from what real clusters do to watches, on 1.24 and 1.34:
//  - 410 Gone: the watch cache is off (--watch-cache=false, so watches are served by etcd),
//    changes happen while the informer is cut off, etcd is compacted; the informer's watch from
//    its old resourceVersion gets 410, it relists and delivers the difference as events;
//  - the API server is stopped and restarted while changes are made: they are seen after;
//  - a silently stalled connection: the watchdog restarts the watch.
// Network faults are injected with a TCP proxy between the informer and the real API server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { isGone } from '../src/kube/api-error.js';
import { KubeClient } from '../src/kube/http.js';
import { Informer } from '../src/kube/informer.js';
import { metricValues } from '../src/kube/metrics.js';
import { ref } from '../src/kube/resource.js';
import { cacheState, ensureNamespace, eventMirror, freshList, kubeConfigVia, pool, sameState, sleep, stateDiff, waitFor } from './fixtures/kube-helpers.js';
import { startTcpProxy, type TcpProxy } from './fixtures/tcp-proxy.js';

const NS = 'recovery-test';
const SELECTOR = 'plinth-test=recovery';
const CMS = ref('v1', 'configmaps', NS);

const cm = (name: string, gen: number): unknown => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: NS, labels: { 'plinth-test': 'recovery' } },
  data: { gen: String(gen) },
});

async function relistCount(name: string): Promise<number> {
  return (await metricValues('plinth_informer_relists_total')).find((v) => v.labels.informer === name)?.value ?? 0;
}

for (const version of ['old', 'new'] as const) {
  describe(`informer recovery on the ${version} API server (watch cache off)`, () => {
    let cluster: LocalCluster;
    let client: KubeClient;
    let proxy: TcpProxy;
    let viaProxy: KubeClient;
    let inf: Informer;
    let events: ReturnType<typeof eventMirror>;
    const name = `recovery-${version}`;

    const converge = async (what: string): Promise<void> => {
      let api = await freshList(client, CMS, SELECTOR);
      await waitFor(async () => {
        api = await freshList(client, CMS, SELECTOR);
        return sameState(cacheState(inf), api) && sameState(events.mirror, api);
      }, `${what}: ${stateDiff(cacheState(inf), api)}`, 30_000, 200);
    };

    before(async () => {
      cluster = await startCluster({ version, nodes: 0, apiserverArgs: ['--watch-cache=false'] });
      client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
      await ensureNamespace(client, NS);
      const url = new URL(cluster.server);
      proxy = await startTcpProxy(url.hostname, Number(url.port));
      viaProxy = await KubeClient.fromKubeConfig(kubeConfigVia(cluster.kubeConfig, `https://127.0.0.1:${proxy.port}`));
      await pool(Array.from({ length: 200 }, (_, i) => `cm-${i}`), 50, (n) => client.create(CMS, cm(n, 0)));
      inf = new Informer({
        client: viaProxy,
        resource: CMS,
        labelSelector: SELECTOR,
        pageSize: 50,
        name,
        stallTimeoutMs: 3000,
        backoff: { initialMs: 100, maxMs: 1000 },
      });
      events = eventMirror(inf);
      await inf.start().synced;
    });
    after(async () => {
      await inf?.stop();
      viaProxy?.close();
      client?.close();
      await proxy?.close();
      await cluster?.stop();
    });

    test('410 Gone after compaction: relists and delivers the difference', async () => {
      await converge('initial state');
      const before = { relists: inf.stats.relists, metric: await relistCount(name), deletes: events.deletes };
      // Cut the informer off, change things, compact etcd past its resourceVersion.
      proxy.block();
      await pool(Array.from({ length: 50 }, (_, i) => `cm-${i}`), 25, (n) => client.patch(CMS, n, { data: { gen: '1' } }, 'merge'));
      await pool(Array.from({ length: 30 }, (_, i) => `cm-${100 + i}`), 25, (n) => client.delete(CMS, n));
      await pool(Array.from({ length: 40 }, (_, i) => `new-${i}`), 25, (n) => client.create(CMS, cm(n, 2)));
      await cluster.compactEtcd();
      proxy.heal();
      await converge('after 410');
      assert.ok(inf.stats.relists > before.relists, 'relisted');
      assert.ok((await relistCount(name)) > before.metric, 'relist metric counted');
      assert.equal(events.deletes - before.deletes, 30, 'deletions found by the relist were delivered with the last known state');
      for (let i = 0; i < 50; i++) assert.equal((inf.get(`${NS}/cm-${i}`) as { data?: Record<string, string> }).data?.gen, '1');
    });

    test('a continue token from before a compaction is rejected with 410 (the informer restarts its list)', async () => {
      const page = await client.list(CMS, { labelSelector: SELECTOR, limit: 10 });
      assert.ok(page.metadata.continue);
      await client.create(CMS, cm('bump', 0));
      await cluster.compactEtcd();
      await assert.rejects(client.list(CMS, { labelSelector: SELECTOR, limit: 10, continue: page.metadata.continue }), (err) => isGone(err));
      await converge('after bump');
    });

    test('API server stopped and restarted: changes made meanwhile are seen after', async () => {
      const restartsBefore = inf.stats.watchRestarts;
      await cluster.stopComponent('kube-apiserver');
      await sleep(1500); // the informer fails to reconnect (connection refused) and backs off
      assert.ok(inf.stats.watchRestarts > restartsBefore, 'watch restarts counted while the server is down');
      proxy.block(); // keep the informer away until the changes are made
      await cluster.startComponent('kube-apiserver');
      await pool(Array.from({ length: 20 }, (_, i) => `cm-${150 + i}`), 20, (n) => client.patch(CMS, n, { data: { gen: '3' } }, 'merge'));
      await pool(Array.from({ length: 10 }, (_, i) => `after-restart-${i}`), 10, (n) => client.create(CMS, cm(n, 3)));
      await client.delete(CMS, 'cm-199');
      proxy.heal();
      await converge('after the API server restart');
      assert.equal((inf.get(`${NS}/cm-160`) as { data?: Record<string, string> }).data?.gen, '3');
      assert.ok(inf.get(`${NS}/after-restart-9`));
      assert.equal(inf.get(`${NS}/cm-199`), undefined);
    });

    test('a silently stalled watch is restarted by the watchdog', async () => {
      await converge('before the stall');
      const stallsBefore = inf.stats.stalls;
      proxy.freeze();
      await client.patch(CMS, 'cm-180', { data: { gen: '4' } }, 'merge');
      await sleep(4000); // > stallTimeoutMs
      assert.notEqual((inf.get(`${NS}/cm-180`) as { data?: Record<string, string> }).data?.gen, '4', 'nothing gets through a frozen connection');
      assert.ok(inf.stats.stalls > stallsBefore, 'the watchdog fired');
      proxy.heal();
      await converge('after the stall');
      assert.equal((inf.get(`${NS}/cm-180`) as { data?: Record<string, string> }).data?.gen, '4');
    });
  });
}
