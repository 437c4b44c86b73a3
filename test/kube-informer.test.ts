// Plinth's informer against real API servers (1.24 and 1.34): a paginated initial list of
// existing objects, then create/update/delete of 5,000 ConfigMaps made with ~50 requests in
// flight; the cache must equal a fresh list and every change must have reached the handlers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { KubeClient } from '../src/kube/http.js';
import { Informer } from '../src/kube/informer.js';
import { byLabel } from '../src/kube/indexer.js';
import { metricValues } from '../src/kube/metrics.js';
import { ref } from '../src/kube/resource.js';
import { cacheState, ensureNamespace, eventMirror, freshList, pool, sameState, stateDiff, waitFor } from './fixtures/kube-helpers.js';

const N = 5000;
const NS = 'informer-test';
const SELECTOR = 'plinth-test=informer';
const CMS = ref('v1', 'configmaps', NS);
const names = Array.from({ length: N }, (_, i) => `cm-${String(i).padStart(5, '0')}`);

for (const version of ['old', 'new'] as const) {
  describe(`informer on the ${version} API server`, () => {
    let cluster: LocalCluster;
    let client: KubeClient;
    const informers: Informer[] = [];
    before(async () => {
      cluster = await startCluster({ version, nodes: 0 });
      client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
      await ensureNamespace(client, NS);
    });
    after(async () => {
      for (const i of informers) await i.stop();
      client?.close();
      await cluster?.stop();
    });

    test(`converges after create/update/delete of ${N} ConfigMaps`, async () => {
      const t0 = Date.now();
      const body = (name: string, i: number, gen: number): unknown => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: NS, labels: { 'plinth-test': 'informer', shard: String(i % 10) } },
        data: { gen: String(gen), payload: 'x'.repeat(64) },
      });
      // 1. A first batch exists before the informer starts: the initial list is paginated.
      const preexisting = 1200;
      await pool(names.slice(0, preexisting), 50, (name, i) => client.create(CMS, body(name, i, 0)));
      const inf = new Informer({ client, resource: CMS, labelSelector: SELECTOR, pageSize: 500, indexers: { shard: byLabel('shard') }, name: `cm-${version}` });
      informers.push(inf);
      const ev = eventMirror(inf);
      inf.start();
      await inf.synced;
      assert.equal(inf.store.size, preexisting);
      assert.equal(ev.adds, preexisting, 'adds delivered before synced resolved');
      assert.ok(inf.stats.lists === 1);
      const tSync = Date.now();

      // 2. Create the rest while watching.
      await pool(names.slice(preexisting), 50, (name, i) => client.create(CMS, body(name, i + preexisting, 0)));
      const tCreate = Date.now();
      // 3. Update every object.
      await pool(names, 50, (name) => client.patch(CMS, name, { data: { gen: '1' } }, 'merge'));
      const tUpdate = Date.now();
      // 4. Delete half of them.
      const doomed = names.filter((_, i) => i % 2 === 0);
      await pool(doomed, 50, (name) => client.delete(CMS, name));
      const tDelete = Date.now();

      let api = await freshList(client, CMS, SELECTOR);
      await waitFor(async () => {
        if (sameState(cacheState(inf), api)) return true;
        api = await freshList(client, CMS, SELECTOR);
        return sameState(cacheState(inf), api);
      }, `cache to converge (${stateDiff(cacheState(inf), api)})`, 60_000, 200);
      const tConverged = Date.now();

      assert.equal(api.size, N - doomed.length);
      assert.ok(sameState(ev.mirror, api), `handler events reproduce the cache: ${stateDiff(ev.mirror, api)}`);
      assert.equal(ev.adds, N, 'one add per object');
      assert.ok(ev.updates >= N, `at least one update per object (${ev.updates})`);
      assert.equal(ev.deletes, doomed.length);
      for (const name of doomed) assert.ok(ev.deleted.has(`${NS}/${name}`));
      for (const o of inf.list()) {
        assert.equal((o as { data?: Record<string, string> }).data?.gen, '1');
        assert.equal(o.metadata?.managedFields, undefined, 'managedFields dropped');
      }
      const shard3 = names.filter((_, i) => i % 10 === 3 && i % 2 === 1).length;
      assert.equal(inf.byIndex('shard', '3').length, shard3, 'index follows the cache');
      assert.equal(inf.byIndex('shard', '4').length, 0, 'deleted objects leave the index');
      assert.equal(inf.stats.relists, 0);
      const added = (await metricValues('plinth_informer_events_total')).find((v) => v.labels.informer === `cm-${version}` && v.labels.type === 'ADDED');
      assert.equal(added?.value, N - preexisting, 'ADDED watch events counted');
      // Timings (visible with --test-reporter=spec).
      const s = (a: number, b: number): string => `${((b - a) / 1000).toFixed(1)}s`;
      console.log(
        `[${version}] initial list of ${preexisting} ${s(t0, tSync)} (incl. creating them), create ${N - preexisting} ${s(tSync, tCreate)}, update ${N} ${s(tCreate, tUpdate)}, delete ${doomed.length} ${s(tUpdate, tDelete)}, converged +${s(tDelete, tConverged)}`,
      );
    });

    test('a second informer started now lists everything at once and agrees', async () => {
      const inf = new Informer({ client, resource: CMS, labelSelector: SELECTOR, pageSize: 1000 });
      informers.push(inf);
      const t0 = performance.now();
      await inf.start().synced;
      const ms = performance.now() - t0;
      const api = await freshList(client, CMS, SELECTOR);
      assert.ok(sameState(cacheState(inf), api), stateDiff(cacheState(inf), api));
      console.log(`[${version}] initial sync of ${api.size} ConfigMaps: ${ms.toFixed(0)} ms`);
    });
  });
}
