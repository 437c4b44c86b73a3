// Pod update priority on a real cluster (NEW version), controllers in this process: a CellDeployment whose
// strategy.priority gives the leader weight -100 and orders the others by an `ordinal` label releases the
// followers first, by ordinal, and the leader last — in the planned batches and in the order the pods
// actually change (a poller records when each pod first runs the new revision).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CORE, inNamespace } from '../src/kube/resource.js';
import { KEYS } from '../src/release/keys.js';
import { cdRef, cellDeployment, currentOrderName, ensureNamespace, getOrder, pods, releaseSuite, setImage, sleep, waitOrder, waitPhase } from './support/release-env.js';

describe('pod update priority', () => {
  const suite = releaseSuite();

  test('followers by ordinal first, the leader last, within and across batches', async () => {
    const { client } = suite.env;
    const ns = 'priority';
    await ensureNamespace(client, ns);
    const cd = cellDeployment(ns, 'db', {
      replicas: 6,
      strategy: {
        batchSize: 2,
        priority: { weights: [{ selector: { matchLabels: { role: 'leader' } }, weight: -100 }], orderKey: 'ordinal', orderDirection: 'Descending' },
      },
    });
    await client.create(cdRef(ns), cd);
    await waitPhase(client, ns, 'db', 'Completed');
    // Label the pods as an operator (or a leader-election sidecar) would: one leader, the others with ordinals.
    const before = (await pods(client, ns, 'db')).map((p) => p.metadata!.name!).sort();
    assert.equal(before.length, 6);
    const leader = before[2]!;
    const followers = before.filter((n) => n !== leader);
    const podRes = inNamespace(CORE.pods, ns);
    await client.patch(podRes, leader, { metadata: { labels: { role: 'leader', ordinal: '99' } } }, 'merge');
    for (const [i, n] of followers.entries()) await client.patch(podRes, n, { metadata: { labels: { ordinal: String(i * 5) } } }, 'merge');
    // Descending ordinal: 20, 15, 10, 5, 0; the leader (ordinal 99 but weight -100) last.
    const expected = [...followers].reverse().concat(leader);

    const firstNew = new Map<string, number>();
    let polling = true;
    const baseRev = (await pods(client, ns, 'db'))[0]!.metadata!.labels![KEYS.revision];
    const poller = (async () => {
      while (polling) {
        for (const p of await pods(client, ns, 'db')) {
          const n = p.metadata!.name!;
          if (p.metadata?.labels?.[KEYS.revision] !== baseRev && !firstNew.has(n)) firstNew.set(n, Date.now());
        }
        await sleep(50);
      }
    })();
    try {
      await setImage(client, ns, 'db', 'registry.local/web:2');
      const orderName = await currentOrderName(client, ns, 'db');
      const planned = await waitOrder(client, ns, orderName, (o) => (o.status?.batches?.length ?? 0) > 0, 'batches planned');
      assert.deepEqual(
        planned.status!.batches!.flatMap((b) => b.pods),
        expected,
        'the planned batches put followers first by descending ordinal and the leader last',
      );
      await waitOrder(client, ns, orderName, (o) => o.status?.phase === 'Completed', 'completed', 120_000);
      const order = await getOrder(client, ns, orderName);
      assert.equal(order.status!.batches!.length, 3);
      assert.deepEqual(order.status!.batches!.at(-1)!.pods.at(-1), leader);
    } finally {
      polling = false;
      await poller;
    }
    const changed = [...firstNew.entries()].sort((a, b) => a[1] - b[1]).map(([n]) => n);
    assert.equal(changed.length, 6, 'every pod changed');
    assert.equal(changed.at(-1), leader, 'the leader changed last');
    // Batches of 2: the first two changed pods are the two highest ordinals, in some order within the batch.
    assert.deepEqual(new Set(changed.slice(0, 2)), new Set(expected.slice(0, 2)));
  });
});
