// The controller harness under reconcile errors, on real API servers (1.24 and 1.34): a
// controller over ConfigMaps whose reconcile fails a few times per key before succeeding, while
// the objects keep changing underneath it. Each failing key is retried with growing backoff and
// then succeeds; no key is ever reconciled by two workers at once; on success the controller
// server-side-applies an owned output ConfigMap, gated on expectations, and records an Event.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { apply } from '../src/kube/apply.js';
import { DONE, requeueAfter, runController, type Result } from '../src/kube/controller.js';
import { Discovery } from '../src/kube/discovery.js';
import { EventRecorder } from '../src/kube/events.js';
import { Expectations } from '../src/kube/expectations.js';
import { KubeClient } from '../src/kube/http.js';
import { Informer } from '../src/kube/informer.js';
import { ItemExponentialRateLimiter } from '../src/kube/rate-limit.js';
import { metricValues } from '../src/kube/metrics.js';
import { CORE, inNamespace, ref, splitKey, type KubeObject } from '../src/kube/resource.js';
import { ensureNamespace, pool, sleep, waitFor } from './fixtures/kube-helpers.js';

const NS = 'queue-test';
const CMS = ref('v1', 'configmaps', NS);
const KEYS = 40;
const FAILS = 3;
const BASE_MS = 100;

for (const version of ['old', 'new'] as const) {
  describe(`controller harness on the ${version} API server`, () => {
    let cluster: LocalCluster;
    let client: KubeClient;
    before(async () => {
      cluster = await startCluster({ version, nodes: 0 });
      client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
      await ensureNamespace(client, NS);
    });
    after(async () => {
      client?.close();
      await cluster?.stop();
    });

    test('failing reconciles back off and then succeed; keys never run concurrently', async () => {
      const inputs = new Informer({ client, resource: CMS, labelSelector: 'role=input', name: `inputs-${version}` });
      const outputs = new Informer({ client, resource: CMS, labelSelector: 'role=output', name: `outputs-${version}` });
      const expectations = new Expectations({ timeoutMs: 30_000 });
      const ownerKey = (o: KubeObject): string | undefined => {
        const owner = o.metadata?.ownerReferences?.find((r) => r.kind === 'ConfigMap');
        return owner ? `${o.metadata!.namespace}/${owner.name}` : undefined;
      };
      outputs.addHandler(expectations.handlers(ownerKey));
      const recorder = new EventRecorder({ client, component: 'plinth.dev/queue-test', discovery: new Discovery(client) });

      const attempts = new Map<string, number[]>();
      const active = new Set<string>();
      let overlaps = 0;
      let gatedOnExpectations = 0;
      const reconcile = async (key: string): Promise<Result> => {
        if (active.has(key)) overlaps++;
        active.add(key);
        try {
          const times = attempts.get(key) ?? [];
          times.push(Date.now());
          attempts.set(key, times);
          await sleep(5 + Math.random() * 10);
          if (times.length <= FAILS) throw new Error(`transient failure ${times.length} for ${key}`);
          if (!expectations.satisfied(key)) {
            gatedOnExpectations++;
            return requeueAfter(50);
          }
          const src = inputs.get(key);
          if (!src) return DONE;
          const { name } = splitKey(key);
          if (!outputs.get(`${NS}/${name}-out`)) {
            expectations.expectCreations(key, 1);
            await apply(client, CMS, {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: {
                name: `${name}-out`,
                namespace: NS,
                labels: { role: 'output' },
                ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name, uid: src.metadata!.uid!, controller: true }],
              },
              data: { from: name },
            });
          }
          recorder.normal(src, 'Reconciled', `reconciled ${name}`);
          return DONE;
        } finally {
          active.delete(key);
        }
      };

      const c = runController({
        name: `queue-${version}`,
        informers: [inputs, { informer: outputs, keys: (o) => ownerKey(o) }],
        reconcile,
        workers: 4,
        rateLimiter: new ItemExponentialRateLimiter(BASE_MS, 5_000),
      });
      const names = Array.from({ length: KEYS }, (_, i) => `in-${i}`);
      await pool(names, 20, (n) => client.create(CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n, namespace: NS, labels: { role: 'input' } }, data: { v: '0' } }));
      await c.ready;
      // Phase 1: nothing changes; every key fails FAILS times, backing off, then succeeds.
      await waitFor(() => names.every((n) => outputs.get(`${NS}/${n}-out`) !== undefined), 'every output', 30_000);
      const phase1 = new Map([...attempts].map(([k, v]) => [k, [...v]]));
      // Phase 2: keep changing the inputs while they are reconciled (events for keys in flight).
      for (let round = 1; round <= 5; round++) {
        await pool(names, 20, (n) => client.patch(CMS, n, { data: { v: String(round) } }, 'merge'));
        await sleep(20);
      }
      await waitFor(() => c.queue.length === 0 && c.queue.inFlight === 0 && c.queue.delayed === 0, 'the queue to drain', 30_000);
      await recorder.flush();
      await c.stop();
      await inputs.stop();
      await outputs.stop();

      assert.equal(overlaps, 0, 'a key was reconciled by two workers at once');
      const firstGaps: number[] = [];
      const lastGaps: number[] = [];
      for (const n of names) {
        const times = phase1.get(`${NS}/${n}`)!;
        assert.ok(times.length >= FAILS + 1, `${n}: ${times.length} attempts`);
        assert.ok(attempts.get(`${NS}/${n}`)!.length > times.length, `${n}: reconciled again after changes`);
        // The first FAILS retries are rate-limited: each gap at least the backoff for that retry.
        const gaps = times.slice(1, FAILS + 1).map((t, i) => t - times[i]!);
        for (const [i, g] of gaps.entries()) assert.ok(g >= BASE_MS * 2 ** i - 5, `${n}: retry ${i + 1} after ${g} ms (< ${BASE_MS * 2 ** i})`);
        firstGaps.push(gaps[0]!);
        lastGaps.push(gaps[FAILS - 1]!);
        assert.equal(c.queue.numRequeues(`${NS}/${n}`), 0, 'forgotten after success');
      }
      // Gaps also include waiting behind other keys in the queue; the medians still show the growth.
      const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      assert.ok(median(lastGaps) > median(firstGaps) * 1.5, `backoff grows: median first gap ${median(firstGaps)} ms, last ${median(lastGaps)} ms`);
      const errors = (await metricValues('plinth_controller_reconcile_total')).find((v) => v.labels.controller === `queue-${version}` && v.labels.result === 'error');
      assert.equal(errors?.value, KEYS * FAILS, 'errors counted');
      // Every output is owned by its input (garbage collection would remove it with the input).
      const out = await client.get<KubeObject>(CMS, 'in-7-out');
      assert.equal(out.metadata?.ownerReferences?.[0]?.name, 'in-7');
      assert.equal(out.metadata?.managedFields?.[0]?.manager, 'plinth');
      // Events were recorded and repeats aggregated into one Event per input.
      const evs = await client.list<{ reason?: string; regarding?: { name?: string }; involvedObject?: { name?: string }; series?: { count?: number }; count?: number }>(inNamespace(CORE.events, NS));
      const mine = evs.items.filter((e) => e.reason === 'Reconciled' && (e.involvedObject?.name === 'in-7' || e.regarding?.name === 'in-7'));
      assert.equal(mine.length, 1, 'repeats aggregated into one Event');
      console.log(`[${version}] median retry gaps ${median(firstGaps)} → ${median(lastGaps)} ms; attempts per key: ${Math.min(...[...attempts.values()].map((t) => t.length))}..${Math.max(...[...attempts.values()].map((t) => t.length))}, gated on expectations ${gatedOnExpectations}×`);
    });
  });
}
