// The release controllers on a real cluster (NEW version), controllers in this process, each scenario in its
// own namespace and each release under the lossless watcher:
//  - recreate for a non-image change: same names, new UIDs, in the same units;
//  - pause and resume (on the ReleaseOrder and on the CellDeployment);
//  - rollback after the beta batch: every updated pod returns to the old revision, drained the same way;
//  - rollback in the middle of a running batch with Recreate (old pods made from the stored template);
//  - a new template during a release supersedes its order; the new one completes;
//  - scale up and down by unit; deleted pods are drained and lose their finalizer;
//  - a unit without schedulable nodes is reported, nothing is deleted because of it;
//  - deleting the CellDeployment leaves no pods.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CellDeployment } from '../src/api/index.js';
import { unitTargets } from '../src/release/plan/index.js';
import { KEYS } from '../src/release/keys.js';
import {
  cdRef,
  cellDeployment,
  createService,
  currentOrderName,
  ensureNamespace,
  eventually,
  gate,
  getCd,
  getOrder,
  orders,
  patchCd,
  patchOrder,
  pods,
  ready,
  setImage,
  sleep,
  releaseSuite,
  waitOrder,
  waitPhase,
} from './support/release-env.js';
import { watched, type WatcherOptions } from './support/release-watcher.js';

describe('CellDeployment release lifecycle', () => {
  const suite = releaseSuite();

  /** Creates namespace, Service and CellDeployment; waits until it is Completed. */
  async function deploy(ns: string, cd: CellDeployment): Promise<void> {
    await ensureNamespace(suite.env.client, ns);
    await createService(suite.env.client, ns, cd.metadata.name!);
    await suite.env.client.create(cdRef(ns), cd);
    await waitPhase(suite.env.client, ns, cd.metadata.name!, 'Completed');
  }

  function watch(ns: string, cd: CellDeployment, o: Partial<WatcherOptions> = {}): WatcherOptions {
    return { client: suite.env.client, namespace: ns, name: cd.metadata.name!, drainSeconds: cd.spec.strategy!.drainSeconds, targets: () => unitTargets(cd.spec), ...o };
  }

  const revisionOf = (p: { metadata?: { labels?: Record<string, string> } }): string => p.metadata!.labels![KEYS.revision]!;

  test('recreate for a non-image change: same names and units, new UIDs, lossless', async () => {
    const ns = 'recreate';
    const cd = cellDeployment(ns, 'web', { replicas: 6, strategy: { batchSize: 3, drainSeconds: 1 } });
    await deploy(ns, cd);
    const before = await pods(suite.env.client, ns, 'web');
    const { report } = await watched(watch(ns, cd), async () => {
      await patchCd(suite.env.client, ns, 'web', { spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.local/web:1', env: [{ name: 'MODE', value: 'b' }], resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } } });
      const name = await currentOrderName(suite.env.client, ns, 'web');
      await waitOrder(suite.env.client, ns, name, (o) => o.status?.phase === 'Completed', 'completed');
      await waitPhase(suite.env.client, ns, 'web', 'Completed');
    });
    assert.deepEqual(report.violations, []);
    const afterPods = await pods(suite.env.client, ns, 'web');
    assert.deepEqual(afterPods.map((p) => p.metadata!.name).sort(), before.map((p) => p.metadata!.name).sort(), 'a recreated pod keeps its name');
    const unitsBefore = before.map((p) => p.metadata!.labels![KEYS.unit]).sort();
    assert.deepEqual(afterPods.map((p) => p.metadata!.labels![KEYS.unit]).sort(), unitsBefore);
    for (const p of afterPods) {
      assert.ok(!before.some((b) => b.metadata!.uid === p.metadata!.uid), `pod ${p.metadata!.name} was recreated`);
      assert.deepEqual(p.spec!.containers[0]!.env, [{ name: 'MODE', value: 'b' }]);
      assert.equal(p.status!.containerStatuses![0]!.restartCount, 0);
      assert.equal(gate(p), 'True');
    }
    assert.equal(report.deletions, 6);
    assert.equal(report.inPlaceChanges, 0);
  });

  test('pause and resume, on the ReleaseOrder and on the CellDeployment', async () => {
    const ns = 'pause';
    const cd = cellDeployment(ns, 'web', { replicas: 6, strategy: { batchSize: 1, drainSeconds: 1, pauseSeconds: 1 } });
    await deploy(ns, cd);
    const { report } = await watched(watch(ns, cd), async () => {
      await setImage(suite.env.client, ns, 'web', 'registry.local/web:2');
      const name = await currentOrderName(suite.env.client, ns, 'web');
      await waitOrder(suite.env.client, ns, name, (o) => o.status?.batches?.[0]?.phase === 'Succeeded', 'first batch done');
      await patchOrder(suite.env.client, ns, name, { paused: true });
      // A pod already draining when the pause lands finishes its change; no other pod or batch starts. (The next
      // batch may have started just before the pause landed: its pod then waits too.)
      let o = await waitOrder(suite.env.client, ns, name, (x) => x.status?.phase === 'Paused', 'paused');
      await waitPhase(suite.env.client, ns, 'web', 'Paused');
      await eventually('in-flight pods to finish', async () => ((await pods(suite.env.client, ns, 'web')).some((p) => p.metadata!.annotations?.[KEYS.drainStarted]) ? undefined : true));
      o = await getOrder(suite.env.client, ns, name);
      const startedWhenPaused = o.status!.batches!.filter((b) => b.startedAt).length;
      const doneWhenPaused = o.status!.batches!.filter((b) => b.phase === 'Succeeded').length;
      const onV2 = async (): Promise<number> => (await pods(suite.env.client, ns, 'web')).filter((p) => p.spec!.containers[0]!.image === 'registry.local/web:2').length;
      const updatedWhenPaused = await onV2();
      await sleep(3000);
      o = await getOrder(suite.env.client, ns, name);
      assert.equal(o.status!.phase, 'Paused');
      assert.equal(o.status!.batches!.filter((b) => b.startedAt).length, startedWhenPaused, 'no batch started while paused');
      assert.equal(await onV2(), updatedWhenPaused, 'no pod started changing while paused');
      assert.equal((await pods(suite.env.client, ns, 'web')).filter((p) => gate(p) !== 'True').length, 0, 'no pod left traffic while paused');
      await patchOrder(suite.env.client, ns, name, { paused: false });
      await waitOrder(suite.env.client, ns, name, (x) => (x.status?.batches?.filter((b) => b.phase === 'Succeeded').length ?? 0) > doneWhenPaused, 'progress after resume');
      // The CellDeployment's own pause stops the release the same way.
      await patchCd(suite.env.client, ns, 'web', { spec: { paused: true } });
      // The pause may land while a batch runs whose pod has not started draining yet: that pod then waits too.
      o = await waitOrder(suite.env.client, ns, name, (x) => x.status?.phase === 'Paused' || x.status?.phase === 'Completed', 'paused by the CellDeployment');
      if (o.status!.phase === 'Paused') {
        await eventually('in-flight pods to finish', async () => ((await pods(suite.env.client, ns, 'web')).some((p) => p.metadata!.annotations?.[KEYS.drainStarted]) ? undefined : true));
        const n = o.status!.batches!.filter((b) => b.startedAt).length;
        const updated = await onV2();
        await sleep(2500);
        o = await getOrder(suite.env.client, ns, name);
        assert.ok(o.status!.batches!.filter((b) => b.startedAt).length <= n + 1, 'no batch started while the CellDeployment was paused (beyond one that began as the pause landed)');
        assert.equal(await onV2(), updated, 'no pod started changing while the CellDeployment was paused');
      }
      await patchCd(suite.env.client, ns, 'web', { spec: { paused: false } });
      o = await waitOrder(suite.env.client, ns, name, (x) => x.status?.phase === 'Completed', 'completed');
      const actions = o.status!.history!.map((h) => h.action);
      assert.ok(actions.includes('Paused') && actions.includes('Resumed'), actions.join(' '));
      const pausedMessages = o.status!.history!.filter((h) => h.action === 'Paused').map((h) => h.message ?? '');
      assert.ok(pausedMessages.some((m) => m.includes('ReleaseOrder')), pausedMessages.join(' | '));
      await waitPhase(suite.env.client, ns, 'web', 'Completed');
    });
    assert.deepEqual(report.violations, []);
  });

  test('rollback after the beta batch returns every updated pod, drained', async () => {
    const ns = 'rollback';
    const cd = cellDeployment(ns, 'web', { replicas: 6, strategy: { beta: true, batchSize: 3, needConfirm: true, drainSeconds: 1 } });
    await deploy(ns, cd);
    const before = await pods(suite.env.client, ns, 'web');
    const oldRev = revisionOf(before[0]!);
    const { report, result: name } = await watched(watch(ns, cd), async () => {
      await setImage(suite.env.client, ns, 'web', 'registry.local/web:bad');
      const name = await currentOrderName(suite.env.client, ns, 'web');
      await waitOrder(suite.env.client, ns, name, (o) => o.status?.phase === 'WaitingForConfirm', 'beta done');
      const mid = await pods(suite.env.client, ns, 'web');
      assert.equal(mid.filter((p) => revisionOf(p) !== oldRev).length, 3);
      await patchOrder(suite.env.client, ns, name, { rollback: true });
      await waitOrder(suite.env.client, ns, name, (o) => o.status?.phase === 'RolledBack', 'rolled back');
      await waitPhase(suite.env.client, ns, 'web', 'Failed');
      return name;
    });
    assert.deepEqual(report.violations, []);
    const o = await getOrder(suite.env.client, ns, name);
    assert.equal(o.status!.batches![0]!.phase, 'RolledBack');
    assert.equal(o.status!.batches![1]!.phase, 'WaitingForConfirm', 'a batch that never started stays as it was');
    const actions = o.status!.history!.map((h) => h.action);
    assert.deepEqual(actions.slice(-3), ['RollbackStarted', 'BatchRolledBack', 'RolledBack']);
    const now = await pods(suite.env.client, ns, 'web');
    for (const p of now) {
      assert.equal(revisionOf(p), oldRev);
      assert.equal(p.spec!.containers[0]!.image, 'registry.local/web:1');
      assert.ok(ready(p) && gate(p) === 'True');
      assert.equal(p.metadata!.uid, before.find((b) => b.metadata!.name === p.metadata!.name)!.metadata!.uid, 'rolled back in place');
    }
    const restarts = now.map((p) => p.status!.containerStatuses![0]!.restartCount).sort();
    assert.deepEqual(restarts, [0, 0, 0, 2, 2, 2], 'the beta pods changed twice (there and back), the others never');
    const live = await getCd(suite.env.client, ns, 'web');
    assert.equal(live.status!.currentRevision, oldRev);
    const released = live.status!.conditions!.find((c) => c.type === 'Released')!;
    assert.equal(released.status, 'False');
    assert.equal(released.reason, 'RolledBack');
    // A new template releases again from the rolled-back revision.
    await setImage(suite.env.client, ns, 'web', 'registry.local/web:good');
    const next = await currentOrderName(suite.env.client, ns, 'web', name);
    const n = await getOrder(suite.env.client, ns, next);
    assert.equal(n.spec.fromRevision, oldRev);
  });

  test('rollback in the middle of a running batch, Recreate: pods come back from the stored old template', async () => {
    const ns = 'rollback-mid';
    const cd = cellDeployment(ns, 'web', { replicas: 6, strategy: { type: 'Recreate', batchSize: 3, drainSeconds: 2 } });
    await deploy(ns, cd);
    const oldRev = revisionOf((await pods(suite.env.client, ns, 'web'))[0]!);
    const { report, result: name } = await watched(watch(ns, cd), async () => {
      await setImage(suite.env.client, ns, 'web', 'registry.local/web:2');
      const name = await currentOrderName(suite.env.client, ns, 'web');
      // Roll back as soon as a pod of batch 0 was recreated at the new revision (others may still be draining).
      await eventually('a pod recreated at the new revision', async () => ((await pods(suite.env.client, ns, 'web')).some((p) => revisionOf(p) !== oldRev) ? true : undefined), 60_000, 50);
      await patchOrder(suite.env.client, ns, name, { rollback: true });
      await waitOrder(suite.env.client, ns, name, (o) => o.status?.phase === 'RolledBack', 'rolled back');
      await waitPhase(suite.env.client, ns, 'web', 'Failed');
      return name;
    });
    assert.deepEqual(report.violations, []);
    assert.ok(report.deletions >= 4, `pods recreated there and back (${report.deletions} deletions)`);
    const o = await getOrder(suite.env.client, ns, name);
    assert.equal(o.status!.batches![0]!.phase, 'RolledBack');
    assert.ok(o.status!.batches!.slice(1).every((b) => b.phase === 'Pending'));
    const now = await pods(suite.env.client, ns, 'web');
    assert.equal(now.length, 6);
    for (const p of now) {
      assert.equal(revisionOf(p), oldRev);
      assert.equal(p.spec!.containers[0]!.image, 'registry.local/web:1');
      assert.ok(ready(p) && gate(p) === 'True');
    }
  });

  test('a new template during a release supersedes its order', async () => {
    const ns = 'supersede';
    const cd = cellDeployment(ns, 'web', { replicas: 6, strategy: { beta: true, batchSize: 3, needConfirm: true, drainSeconds: 1 } });
    await deploy(ns, cd);
    const oldRev = revisionOf((await pods(suite.env.client, ns, 'web'))[0]!);
    const { report, result } = await watched(watch(ns, cd, { strict: false }), async () => {
      await setImage(suite.env.client, ns, 'web', 'registry.local/web:2');
      const first = await currentOrderName(suite.env.client, ns, 'web');
      await waitOrder(suite.env.client, ns, first, (o) => o.status?.phase === 'WaitingForConfirm', 'beta done');
      await setImage(suite.env.client, ns, 'web', 'registry.local/web:3');
      const second = await currentOrderName(suite.env.client, ns, 'web', first);
      const old = await waitOrder(suite.env.client, ns, first, (o) => o.status?.phase === 'Superseded', 'superseded');
      const last = old.status!.history!.at(-1)!;
      assert.equal(last.action, 'Superseded');
      assert.match(last.message!, new RegExp(`superseded by ${second}`));
      const o2 = await getOrder(suite.env.client, ns, second);
      assert.equal(o2.spec.fromRevision, oldRev, 'the new order starts from the last completed revision');
      await waitOrder(suite.env.client, ns, second, (o) => o.status?.phase === 'WaitingForConfirm', 'new beta done');
      await patchOrder(suite.env.client, ns, second, { confirmedBatches: 1 });
      await waitOrder(suite.env.client, ns, second, (o) => o.status?.phase === 'Completed', 'new order completed');
      await waitPhase(suite.env.client, ns, 'web', 'Completed');
      return { first, second };
    });
    assert.deepEqual(report.violations, []);
    const all = await orders(suite.env.client, ns, 'web');
    assert.deepEqual(all.map((o) => [o.metadata.name, o.status?.phase]).sort(), [[result.first, 'Superseded'], [result.second, 'Completed']].sort());
    for (const p of await pods(suite.env.client, ns, 'web')) assert.equal(p.spec!.containers[0]!.image, 'registry.local/web:3');
  });

  test('scale up and down by unit; deleted pods are drained and released', async () => {
    const ns = 'scale';
    const cd = cellDeployment(ns, 'web', { replicas: 3, strategy: { drainSeconds: 1 } });
    await deploy(ns, cd);
    const perUnit = async (): Promise<string> => {
      const list = (await pods(suite.env.client, ns, 'web')).filter((p) => !p.metadata!.deletionTimestamp);
      const m = new Map<string, number>();
      for (const p of list) m.set(p.metadata!.labels![KEYS.unit]!, (m.get(p.metadata!.labels![KEYS.unit]!) ?? 0) + 1);
      return [...m].sort().map(([u, k]) => `${u}=${k}`).join(',');
    };
    await patchCd(suite.env.client, ns, 'web', { spec: { replicas: 8 } });
    await waitPhase(suite.env.client, ns, 'web', 'Completed');
    assert.equal(await perUnit(), 'zone-a=3,zone-b=3,zone-c=2');
    await patchCd(suite.env.client, ns, 'web', { spec: { replicas: 6, topology: { unitReplicas: { 'zone-c': 4 } } } });
    await waitPhase(suite.env.client, ns, 'web', 'Completed');
    assert.equal(await perUnit(), 'zone-a=1,zone-b=1,zone-c=4');
    // Scale down under the watcher: every pod that goes is drained first.
    const target = { ...cd.spec, replicas: 2, topology: { ...cd.spec.topology, unitReplicas: { 'zone-c': 0 } } };
    const { report } = await watched(watch(ns, cd, { targets: () => unitTargets(target), strict: false }), async () => {
      await patchCd(suite.env.client, ns, 'web', { spec: { replicas: 2, topology: { unitReplicas: { 'zone-c': 0 } } } });
      await eventually('scaled down to 2 pods', async () => ((await pods(suite.env.client, ns, 'web')).length === 2 ? true : undefined));
      await waitPhase(suite.env.client, ns, 'web', 'Completed');
    });
    assert.deepEqual(report.violations, []);
    assert.equal(report.deletions, 4);
    assert.equal(await perUnit(), 'zone-a=1,zone-b=1');
    for (const p of await pods(suite.env.client, ns, 'web')) assert.deepEqual(p.metadata!.finalizers, [KEYS.finalizer]);
  });

  test('a unit without schedulable nodes is reported; nothing is deleted because of it', async () => {
    const ns = 'nonodes';
    await ensureNamespace(suite.env.client, ns);
    const cd = cellDeployment(ns, 'web', { replicas: 4, units: ['zone-a', 'zone-x'] });
    await suite.env.client.create(cdRef(ns), cd);
    const live = await eventually('UnitsSchedulable False', async () => {
      const c = await getCd(suite.env.client, ns, 'web');
      const cond = c.status?.conditions?.find((x) => x.type === 'UnitsSchedulable');
      return cond?.status === 'False' && c.status?.readyReplicas === 2 ? c : undefined;
    });
    const cond = live.status!.conditions!.find((x) => x.type === 'UnitsSchedulable')!;
    assert.equal(cond.reason, 'NoSchedulableNodes');
    assert.match(cond.message, /zone-x/);
    assert.equal(live.status!.phase, 'Progressing');
    const list = await pods(suite.env.client, ns, 'web');
    assert.equal(list.length, 4);
    const pending = list.filter((p) => p.metadata!.labels![KEYS.unit] === 'zone-x');
    assert.equal(pending.length, 2);
    assert.ok(pending.every((p) => !p.spec!.nodeName), 'pods of zone-x are not scheduled');
    await sleep(2000);
    assert.deepEqual((await pods(suite.env.client, ns, 'web')).map((p) => p.metadata!.uid).sort(), list.map((p) => p.metadata!.uid).sort(), 'nothing deleted');
    // A release still works on the schedulable unit; the Pending pods are recreated (never in traffic, nothing to drain).
    await patchCd(suite.env.client, ns, 'web', { spec: { topology: { units: ['zone-a'] } } });
    await eventually('zone-x pods gone', async () => ((await pods(suite.env.client, ns, 'web')).length === 4 && (await pods(suite.env.client, ns, 'web')).every((p) => p.metadata!.labels![KEYS.unit] === 'zone-a') ? true : undefined));
    const fixed = await waitPhase(suite.env.client, ns, 'web', 'Completed');
    assert.equal(fixed.status!.conditions!.find((x) => x.type === 'UnitsSchedulable')!.status, 'True');
  });

  test('deleting the CellDeployment leaves no pods', async () => {
    const ns = 'delete';
    const cd = cellDeployment(ns, 'web', { replicas: 6, strategy: { drainSeconds: 1 } });
    await deploy(ns, cd);
    await setImage(suite.env.client, ns, 'web', 'registry.local/web:2');
    await currentOrderName(suite.env.client, ns, 'web');
    await suite.env.client.delete(cdRef(ns), 'web');
    await eventually('no pods left', async () => ((await pods(suite.env.client, ns, 'web')).length === 0 ? true : undefined), 60_000);
    await eventually('no orders left', async () => ((await orders(suite.env.client, ns, 'web')).length === 0 ? true : undefined), 30_000);
  });
});
