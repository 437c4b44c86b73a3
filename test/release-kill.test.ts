// Fault test: the Plinth manager (release controllers only) runs in a child process that is SIGKILLed at
// random moments during one release and restarted each time — up to 20 times, at least 5. The release
// completes; no pod is updated twice (in place: same UID, restartCount exactly 1); every batch started once;
// the lossless invariant holds throughout (watcher on EndpointSlices and pods for the whole release).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { unitTargets } from '../src/release/plan/index.js';
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
import { ManagerProcess } from './support/manager-process.js';
import { watched } from './support/release-watcher.js';
import { prng } from './support/prng.js'; // seeded, so a failing schedule can be replayed with PLINTH_KILL_SEED

const KILLS = 20;
const MIN_KILLS = 5;


describe('release controllers killed at random moments', () => {
  let env: ReleaseEnv;
  let manager: ManagerProcess;
  let log: WriteStream;
  before(async () => {
    env = await startReleaseCluster({ inPlaceDelayMs: 300 });
    log = createWriteStream(join(env.cluster.stateDir, 'manager-kill.log'));
    manager = new ManagerProcess({ kubeconfig: env.cluster.kubeconfigPath, log });
    manager.start();
  });
  after(async () => {
    await manager?.kill();
    log?.end();
    await env?.stop();
  });

  test(`one release completes through up to ${KILLS} SIGKILLs; no pod updated twice; lossless`, async () => {
    const seed = Number(process.env.PLINTH_KILL_SEED ?? Date.now() % 100000);
    const random = prng(seed);
    const ns = 'kill';
    await ensureNamespace(env.client, ns);
    await createService(env.client, ns, 'web');
    const cd = cellDeployment(ns, 'web', { replicas: 12, strategy: { beta: true, batchSize: 1, drainSeconds: 4 } });
    await env.client.create(cdRef(ns), cd);
    await waitPhase(env.client, ns, 'web', 'Completed', 120_000);
    const before = await pods(env.client, ns, 'web');
    const uids = new Map(before.map((p) => [p.metadata!.name!, p.metadata!.uid!]));

    const started = Date.now();
    let kills = 0;
    const { report, result: name } = await watched(
      { client: env.client, namespace: ns, name: 'web', drainSeconds: 4, targets: () => unitTargets(cd.spec) },
      async () => {
        await setImage(env.client, ns, 'web', 'registry.local/web:2');
        const name = await currentOrderName(env.client, ns, 'web');
        const done = async (): Promise<boolean> => (await getOrder(env.client, ns, name)).status?.phase === 'Completed';
        while (kills < KILLS && !(await done())) {
          // Kill at a random moment of the controllers' work: 0 to 1.5 s after both synced their caches.
          await manager.working;
          await sleep(random() * 1500);
          await manager.kill();
          kills++;
          manager.start();
        }
        await waitPhase(env.client, ns, 'web', 'Completed', 120_000);
        return name;
      },
    );
    const seconds = Math.round((Date.now() - started) / 1000);
    process.stdout.write(`# kill test: seed ${seed}, ${kills} SIGKILLs, release completed in ${seconds}s\n`);

    assert.deepEqual(report.violations, []);
    assert.ok(kills >= MIN_KILLS, `only ${kills} kills happened during the release (seed ${seed})`);
    const after = await pods(env.client, ns, 'web');
    assert.equal(after.length, 12);
    for (const p of after) {
      assert.equal(p.metadata!.uid, uids.get(p.metadata!.name!), `pod ${p.metadata!.name} kept its UID`);
      assert.equal(p.spec!.containers[0]!.image, 'registry.local/web:2');
      assert.equal(p.status!.containerStatuses![0]!.restartCount, 1, `pod ${p.metadata!.name} was updated exactly once (seed ${seed})`);
    }
    const order = await getOrder(env.client, ns, name);
    const starts = order.status!.history!.filter((h) => h.action === 'BatchStarted').map((h) => h.batch);
    assert.deepEqual(starts, order.status!.batches!.map((b) => b.index), 'every batch started exactly once, in order');
    assert.equal(order.status!.batches!.length, 10);
  });
});
