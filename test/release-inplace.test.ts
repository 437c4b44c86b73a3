// The CellDeployment controller on real clusters (NEW 1.34 and OLD 1.24), controllers in this process:
//  - placement: pods pinned to their unit (required node affinity), spread over hostnames in the unit, owned
//    by the CellDeployment, with the traffic gate and the protect finalizer from creation;
//  - an in-place image release with beta and confirmations, watched for the lossless invariant the whole
//    time: beta updates exactly one pod per unit; each batch waits for spec.confirmedBatches; pods keep their
//    UID and restart their container exactly once; every decision is in the order's history.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { unitTargets } from '../src/release/plan/index.js';
import { KEYS } from '../src/release/keys.js';
import {
  cdRef,
  cellDeployment,
  createService,
  currentOrderName,
  ensureNamespace,
  gate,
  getCd,
  getOrder,
  patchOrder,
  pods,
  ready,
  setImage,
  releaseSuite,
  waitOrder,
  waitPhase,
} from './support/release-env.js';
import { watched } from './support/release-watcher.js';

for (const version of ['new', 'old'] as const) {
  describe(`CellDeployment in-place release (${version})`, () => {
    const suite = releaseSuite({ version });

    test('placement: unit affinity, hostname spread, gate, finalizer, owner, labels', async () => {
      const ns = 'placement';
      await ensureNamespace(suite.env.client, ns);
      const cd = cellDeployment(ns, 'web', { replicas: 6, unitReplicas: { 'zone-a': 3 } });
      await suite.env.client.create(cdRef(ns), cd);
      const live = await waitPhase(suite.env.client, ns, 'web', 'Completed');
      const list = await pods(suite.env.client, ns, 'web');
      assert.equal(list.length, 6);
      const perUnit = new Map<string, V1Pod[]>();
      for (const p of list) {
        const unit = p.metadata!.labels![KEYS.unit]!;
        perUnit.set(unit, [...(perUnit.get(unit) ?? []), p]);
        const terms = p.spec!.affinity!.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution!.nodeSelectorTerms;
        assert.deepEqual(terms, [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [unit] }] }]);
        assert.ok(p.spec!.nodeName!.startsWith(`${unit}-`), `pod ${p.metadata!.name} in ${unit} runs on ${p.spec!.nodeName}`);
        assert.deepEqual(p.spec!.topologySpreadConstraints, [
          { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { [KEYS.cellDeployment]: 'web', [KEYS.unit]: unit } } },
        ]);
        assert.deepEqual(p.spec!.readinessGates, [{ conditionType: KEYS.gate }]);
        assert.deepEqual(p.metadata!.finalizers, [KEYS.finalizer]);
        const owner = p.metadata!.ownerReferences![0]!;
        assert.equal(owner.kind, 'CellDeployment');
        assert.equal(owner.uid, live.metadata.uid);
        assert.equal(owner.controller, true);
        assert.equal(owner.blockOwnerDeletion, true);
        assert.equal(p.metadata!.labels!['app'], 'web');
        assert.equal(p.metadata!.labels![KEYS.revision], live.status!.updateRevision);
        assert.equal(gate(p), 'True');
        assert.ok(ready(p));
      }
      assert.deepEqual(
        [...perUnit].map(([u, ps]) => [u, ps.length]).sort(),
        [['zone-a', 3], ['zone-b', 2], ['zone-c', 1]],
      );
      // zone-a has 2 nodes: its 3 pods use both.
      assert.equal(new Set(perUnit.get('zone-a')!.map((p) => p.spec!.nodeName)).size, 2);
      assert.equal(live.status!.replicas, 6);
      assert.equal(live.status!.readyReplicas, 6);
      assert.deepEqual(live.status!.units!.map((u) => [u.name, u.replicas, u.readyReplicas]), [['zone-a', 3, 3], ['zone-b', 2, 2], ['zone-c', 1, 1]]);
      assert.equal(live.status!.releaseOrder, undefined, 'the first revision needs no release');
      assert.ok(live.status!.conditions!.some((c) => c.type === 'Released' && c.status === 'True'));
    });

    test('beta + confirmed batches, in place, lossless the whole time', async () => {
      const ns = 'inplace';
      await ensureNamespace(suite.env.client, ns);
      await createService(suite.env.client, ns, 'web');
      const cd = cellDeployment(ns, 'web', { replicas: 6, strategy: { beta: true, batchSize: 2, needConfirm: true, drainSeconds: 1 } });
      await suite.env.client.create(cdRef(ns), cd);
      await waitPhase(suite.env.client, ns, 'web', 'Completed');
      const before = await pods(suite.env.client, ns, 'web');
      const uids = new Map(before.map((p) => [p.metadata!.name!, p.metadata!.uid!]));
      const { result: { name, newRev, order }, report } = await watched(
        { client: suite.env.client, namespace: ns, name: 'web', drainSeconds: 1, targets: () => unitTargets(cd.spec) },
        async () => {
          await setImage(suite.env.client, ns, 'web', 'registry.local/web:2');
          const name = await currentOrderName(suite.env.client, ns, 'web');
          const newRev = (await getCd(suite.env.client, ns, 'web')).status?.updateRevision;
          let order = await waitOrder(suite.env.client, ns, name, (o) => o.status?.phase === 'WaitingForConfirm', 'waits after the beta batch');
          assert.equal(order.status!.batches!.length, 3, JSON.stringify(order.status!.batches));
          assert.equal(order.status!.batches![0]!.phase, 'Succeeded');
          assert.equal(order.status!.batches![1]!.phase, 'WaitingForConfirm');
          assert.equal(order.status!.currentBatch, 1);
          const afterBeta = await pods(suite.env.client, ns, 'web');
          const updated = afterBeta.filter((p) => p.metadata!.labels![KEYS.revision] === order.spec.toRevision);
          assert.deepEqual(updated.map((p) => p.metadata!.labels![KEYS.unit]).sort(), ['zone-a', 'zone-b', 'zone-c'], 'beta: exactly one updated pod per unit');
          await waitPhase(suite.env.client, ns, 'web', 'WaitingForConfirm');

          await patchOrder(suite.env.client, ns, name, { confirmedBatches: 1 });
          order = await waitOrder(suite.env.client, ns, name, (o) => o.status?.batches?.[1]?.phase === 'Succeeded' && o.status.phase === 'WaitingForConfirm', 'batch 2 done, waiting again');
          assert.equal(order.status!.currentBatch, 2);
          await patchOrder(suite.env.client, ns, name, { confirmedBatches: 2 });
          order = await waitOrder(suite.env.client, ns, name, (o) => o.status?.phase === 'Completed', 'completed');
          await waitPhase(suite.env.client, ns, 'web', 'Completed');
          return { name, newRev, order };
        },
      );
      const done = await getCd(suite.env.client, ns, 'web');
      assert.deepEqual(report.violations, []);
      assert.equal(done.status!.updatedReplicas, 6);
      assert.equal(done.status!.currentRevision, newRev);
      const finalPods = await pods(suite.env.client, ns, 'web');
      assert.equal(finalPods.length, 6);
      for (const p of finalPods) {
        assert.equal(p.metadata!.uid, uids.get(p.metadata!.name!), `pod ${p.metadata!.name} kept its UID (in place)`);
        assert.equal(p.spec!.containers[0]!.image, 'registry.local/web:2');
        assert.equal(p.status!.containerStatuses![0]!.restartCount, 1, `pod ${p.metadata!.name} restarted exactly once`);
        assert.equal(gate(p), 'True');
        assert.equal(p.metadata!.annotations?.[KEYS.drainStarted], undefined);
      }
      assert.equal(report.inPlaceChanges, 6);
      assert.equal(report.deletions, 0);
      const actions = order.status!.history!.map((h) => `${h.action}${h.batch !== undefined ? `#${h.batch}` : ''}`);
      assert.deepEqual(actions, [
        'Planned',
        'BatchStarted#0',
        'BatchSucceeded#0',
        'WaitingForConfirm#1',
        'BatchStarted#1',
        'BatchSucceeded#1',
        'WaitingForConfirm#2',
        'BatchStarted#2',
        'BatchSucceeded#2',
        'Completed',
      ]);
      assert.ok(order.status!.history!.every((h) => h.by === 'system:plinth'));
      const o2 = await getOrder(suite.env.client, ns, name);
      assert.equal(o2.metadata.ownerReferences![0]!.uid, done.metadata.uid);
      assert.equal(o2.spec.fromRevision, (before[0]!.metadata!.labels![KEYS.revision]));
    });
  });
}
