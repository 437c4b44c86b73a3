// Leader failover mid-release: two managers (release controllers, leader-elected on the Lease
// plinth-system/plinth-manager) run as child processes. While a release runs, the leader is SIGKILLed; the
// standby takes the Lease within the lease duration and finishes the release. The lossless watcher runs
// throughout; every pod is updated exactly once; every batch started once, in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { inNamespace, ref } from '../src/kube/resource.js';
import type { KubeClient } from '../src/kube/http.js';
import { unitTargets } from '../src/release/plan/index.js';
import { ManagerProcess } from './support/manager-process.js';
import {
  cdRef,
  cellDeployment,
  createService,
  currentOrderName,
  ensureNamespace,
  getOrder,
  pods,
  setImage,
  sleep,
  startReleaseCluster,
  waitPhase,
  type ReleaseEnv,
} from './support/release-env.js';
import { watched } from './support/release-watcher.js';

const LEASE = inNamespace(ref('coordination.k8s.io/v1', 'leases'), 'plinth-system');

async function holder(client: KubeClient): Promise<string | undefined> {
  try {
    const l = await client.get<{ spec?: { holderIdentity?: string } }>(LEASE, 'plinth-manager');
    return l.spec?.holderIdentity ?? undefined;
  } catch {
    return undefined;
  }
}

async function waitFor<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('leader failover during a release', () => {
  let env: ReleaseEnv;
  let log: WriteStream;
  const managers = new Map<string, ManagerProcess>();
  before(async () => {
    env = await startReleaseCluster({ inPlaceDelayMs: 300 });
    log = createWriteStream(join(env.cluster.stateDir, 'manager-failover.log'));
    for (const id of ['manager-a', 'manager-b']) {
      const m = new ManagerProcess({ kubeconfig: env.cluster.kubeconfigPath, log, identity: id });
      m.start();
      managers.set(id, m);
    }
  });
  after(async () => {
    for (const m of managers.values()) await m.kill();
    log?.end();
    await env?.stop();
  });

  test('the standby takes over within the lease duration and completes the release, lossless, each pod once', async () => {
    const ns = 'failover';
    await ensureNamespace(env.client, ns);
    await createService(env.client, ns, 'web');
    const cd = cellDeployment(ns, 'web', { replicas: 9, strategy: { beta: true, batchSize: 2, drainSeconds: 2 } });
    await env.client.create(cdRef(ns), cd);
    await waitPhase(env.client, ns, 'web', 'Completed', 120_000);
    const first = await waitFor('a leader', 30_000, () => holder(env.client));
    const before = await pods(env.client, ns, 'web');
    const uids = new Map(before.map((p) => [p.metadata!.name!, p.metadata!.uid!]));

    let takeoverMs = 0;
    let next = '';
    const { report, result: name } = await watched(
      { client: env.client, namespace: ns, name: 'web', drainSeconds: 2, targets: () => unitTargets(cd.spec) },
      async () => {
        await setImage(env.client, ns, 'web', 'registry.local/web:2');
        const name = await currentOrderName(env.client, ns, 'web');
        // Kill the leader while the second batch (after beta) runs.
        await waitFor('batch 2 to start', 60_000, async () => ((await getOrder(env.client, ns, name)).status?.currentBatch ?? 0) >= 1 || undefined);
        await sleep(500);
        assert.notEqual((await getOrder(env.client, ns, name)).status?.phase, 'Completed', 'the release must still run when the leader dies');
        const killedAt = Date.now();
        await managers.get(first)!.kill();
        next = await waitFor('a new leader', 30_000, async () => {
          const h = await holder(env.client);
          return h !== undefined && h !== first ? h : undefined;
        });
        takeoverMs = Date.now() - killedAt;
        await waitPhase(env.client, ns, 'web', 'Completed', 120_000);
        return name;
      },
    );
    process.stdout.write(`# failover: ${first} killed, ${next} leads after ${takeoverMs} ms\n`);
    assert.deepEqual(report.violations, []);
    assert.ok(takeoverMs <= 4000 + 2000, `the standby took ${takeoverMs} ms (lease 4 s)`);
    const after = await pods(env.client, ns, 'web');
    assert.equal(after.length, 9);
    for (const p of after) {
      assert.equal(p.metadata!.uid, uids.get(p.metadata!.name!), `pod ${p.metadata!.name} kept its UID`);
      assert.equal(p.spec!.containers[0]!.image, 'registry.local/web:2');
      assert.equal(p.status!.containerStatuses![0]!.restartCount, 1, `pod ${p.metadata!.name} was updated exactly once`);
    }
    const order = await getOrder(env.client, ns, name);
    const starts = order.status!.history!.filter((h) => h.action === 'BatchStarted').map((h) => h.batch);
    assert.deepEqual(starts, order.status!.batches!.map((b) => b.index), 'every batch started exactly once, in order');
  });
});
