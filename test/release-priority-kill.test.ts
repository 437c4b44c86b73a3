// Pod update priority through SIGKILLs: the release controllers run in a child process that is killed and
// restarted several times during a prioritised release (followers by descending ordinal, the leader last). The
// batches are planned once and kept; every batch starts once, in order; and the pods actually change in that
// order across the restarts: every pod of a batch runs the new revision before any pod of the next one does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { CORE, inNamespace } from '../src/kube/resource.js';
import { KEYS } from '../src/release/keys.js';
import { cdRef, cellDeployment, currentOrderName, ensureNamespace, getOrder, pods, setImage, sleep, startReleaseCluster, waitOrder, waitPhase, type ReleaseEnv } from './support/release-env.js';
import { ManagerProcess } from './support/manager-process.js';

describe('pod update priority with the controllers killed', () => {
  let env: ReleaseEnv;
  let manager: ManagerProcess;
  let log: WriteStream;
  before(async () => {
    env = await startReleaseCluster({ nodes: 3 });
    log = createWriteStream(join(env.cluster.stateDir, 'manager-priority-kill.log'));
    manager = new ManagerProcess({ kubeconfig: env.cluster.kubeconfigPath, log });
    manager.start();
  });
  after(async () => {
    await manager?.kill();
    log?.end();
    await env?.stop();
  });

  test('the planned order holds across SIGKILLs: batch by batch, the leader last', async () => {
    const { client } = env;
    const ns = 'priority-kill';
    await ensureNamespace(client, ns);
    const cd = cellDeployment(ns, 'db', {
      replicas: 6,
      strategy: {
        batchSize: 2,
        drainSeconds: 1,
        priority: { weights: [{ selector: { matchLabels: { role: 'leader' } }, weight: -100 }], orderKey: 'ordinal', orderDirection: 'Descending' },
      },
    });
    await client.create(cdRef(ns), cd);
    await waitPhase(client, ns, 'db', 'Completed', 120_000);
    const names = (await pods(client, ns, 'db')).map((p) => p.metadata!.name!).sort();
    const leader = names[2]!;
    const followers = names.filter((n) => n !== leader);
    const podRes = inNamespace(CORE.pods, ns);
    await client.patch(podRes, leader, { metadata: { labels: { role: 'leader', ordinal: '99' } } }, 'merge');
    for (const [i, n] of followers.entries()) await client.patch(podRes, n, { metadata: { labels: { ordinal: String(i * 5) } } }, 'merge');
    const expected = [...followers].reverse().concat(leader);

    const baseRev = (await pods(client, ns, 'db'))[0]!.metadata!.labels![KEYS.revision];
    const firstNew = new Map<string, number>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        for (const p of await pods(client, ns, 'db')) {
          const n = p.metadata!.name!;
          if (p.metadata?.labels?.[KEYS.revision] !== baseRev && !firstNew.has(n)) firstNew.set(n, Date.now());
        }
        await sleep(50);
      }
    })();
    let kills = 0;
    let orderName = '';
    try {
      await setImage(client, ns, 'db', 'registry.local/web:2');
      orderName = await currentOrderName(client, ns, 'db');
      const completed = async (): Promise<boolean> => (await getOrder(client, ns, orderName)).status?.phase === 'Completed';
      while (kills < 6 && !(await completed())) {
        await manager.working;
        await sleep(300 + ((kills * 613) % 1200));
        await manager.kill();
        kills++;
        manager.start();
      }
      await waitOrder(client, ns, orderName, (o) => o.status?.phase === 'Completed', 'completed', 180_000);
    } finally {
      polling = false;
      await poller;
    }
    process.stdout.write(`# priority kill test: ${kills} SIGKILLs during the release\n`);
    assert.ok(kills >= 2, `only ${kills} kills happened during the release`);
    const order = await getOrder(client, ns, orderName);
    const batches = order.status!.batches!.map((b) => b.pods);
    assert.deepEqual(batches.flat(), expected, 'the planned batches: followers by descending ordinal, the leader last');
    const starts = order.status!.history!.filter((h) => h.action === 'BatchStarted').map((h) => h.batch);
    assert.deepEqual(starts, order.status!.batches!.map((b) => b.index), 'every batch started exactly once, in order');
    assert.equal(firstNew.size, 6, 'every pod changed');
    for (let i = 0; i + 1 < batches.length; i++) {
      const lastOfThis = Math.max(...batches[i]!.map((n) => firstNew.get(n)!));
      const firstOfNext = Math.min(...batches[i + 1]!.map((n) => firstNew.get(n)!));
      assert.ok(lastOfThis <= firstOfNext, `batch ${i} (${batches[i]!.join(', ')}) changed before batch ${i + 1} (${batches[i + 1]!.join(', ')})`);
    }
    const changed = [...firstNew.entries()].sort((a, b) => a[1] - b[1]).map(([n]) => n);
    assert.equal(changed.at(-1), leader, 'the leader changed last');
  });
});
