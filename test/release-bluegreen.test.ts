// Blue-green releases (strategy.type BlueGreen) on a real cluster, controllers in this process. A traffic
// sampler follows the active Service's EndpointSlices the whole time (Informers on the slices and pods) and
// records, at every slice change, which revisions serve: before the switch only the blue revision, after it
// only the green one, and never no ready endpoint at all. The lossless watcher checks the removal of a set
// (drained before deleted) and the unit capacity.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { Informer } from '../src/kube/informer.js';
import type { KubeClient } from '../src/kube/http.js';
import { CORE, inNamespace, type KubeObject } from '../src/kube/resource.js';
import { KEYS, RES } from '../src/release/keys.js';
import type { EndpointSliceLike } from '../src/release/pod/endpoints.js';
import { unitTargets } from '../src/release/plan/index.js';
import {
  cdRef,
  cellDeployment,
  createService,
  currentOrderName,
  ensureNamespace,
  getCd,
  patchOrder,
  pods,
  setImage,
  releaseSuite,
  waitOrder,
  waitPhase,
} from './support/release-env.js';
import { watched } from './support/release-watcher.js';

/** Which revisions the Service's ready endpoints belong to, at every change of its slices. */
class TrafficSampler {
  readonly samples: Array<{ at: number; revisions: string[]; ready: number }> = [];
  private readonly slices: Informer<EndpointSliceLike>;
  private readonly pods: Informer<V1Pod & KubeObject>;
  constructor(client: KubeClient, ns: string, service: string) {
    this.slices = new Informer({ client, resource: inNamespace(RES.endpointSlices, ns), labelSelector: `kubernetes.io/service-name=${service}`, name: `bg-slices-${ns}` });
    this.pods = new Informer({ client, resource: inNamespace(CORE.pods, ns), name: `bg-pods-${ns}` });
    this.slices.addHandler({ onAdd: () => this.sample(), onUpdate: () => this.sample(), onDelete: () => this.sample() });
  }
  async start(): Promise<this> {
    this.pods.start();
    await this.pods.synced;
    this.slices.start();
    await this.slices.synced;
    return this;
  }
  async stop(): Promise<void> {
    await Promise.all([this.slices.stop(), this.pods.stop()]);
  }
  private sample(): void {
    const byUid = new Map(this.pods.list().map((p) => [p.metadata?.uid ?? '', p]));
    const revisions = new Set<string>();
    let ready = 0;
    for (const s of this.slices.list()) {
      for (const e of s.endpoints ?? []) {
        if (e.conditions?.ready === false) continue;
        ready++;
        revisions.add(byUid.get(e.targetRef?.uid ?? '')?.metadata?.labels?.[KEYS.revision] ?? '?');
      }
    }
    this.samples.push({ at: Date.now(), revisions: [...revisions].sort(), ready });
  }
}

describe('blue-green release', () => {
  const suite = releaseSuite();

  const service = async (ns: string): Promise<V1Service> => suite.env.client.get<V1Service>(inNamespace(CORE.services, ns), 'web');

  test('a full green set comes up beside the blue one, the Service switches in one patch, blue goes after the delay; then a switch back', async () => {
    const ns = 'bluegreen';
    await ensureNamespace(suite.env.client, ns);
    await createService(suite.env.client, ns, 'web');
    const cd = cellDeployment(ns, 'web', { replicas: 6, strategy: { type: 'BlueGreen', drainSeconds: 1, blueGreen: { activeService: 'web', scaleDownDelaySeconds: 4 } } });
    await suite.env.client.create(cdRef(ns), cd);
    await waitPhase(suite.env.client, ns, 'web', 'Completed');
    const blueRev = (await getCd(suite.env.client, ns, 'web')).status!.currentRevision!;
    const blueUids = new Set((await pods(suite.env.client, ns, 'web')).map((p) => p.metadata!.uid!));

    const sampler = await new TrafficSampler(suite.env.client, ns, 'web').start();
    const { report, result } = await watched({ client: suite.env.client, namespace: ns, name: 'web', drainSeconds: 1, targets: () => unitTargets(cd.spec), strict: false }, async () => {
      const before = (await getCd(suite.env.client, ns, 'web')).status?.releaseOrder;
      await setImage(suite.env.client, ns, 'web', 'registry.local/web:2');
      const name = await currentOrderName(suite.env.client, ns, 'web', before);
      const switched = await waitOrder(suite.env.client, ns, name, (o) => (o.status?.history ?? []).some((h) => h.action === 'Switched'), 'the switch');
      const greenRev = switched.spec.toRevision;
      const svc = await service(ns);
      assert.equal(svc.spec?.selector?.[KEYS.revision], greenRev, 'the Service selects the green revision');
      assert.equal(svc.spec?.selector?.app, 'web', 'and still the app');
      const during = await pods(suite.env.client, ns, 'web');
      assert.ok(during.filter((p) => blueUids.has(p.metadata!.uid!)).length > 0, 'the blue set is still there right after the switch');
      const done = await waitOrder(suite.env.client, ns, name, (o) => o.status?.phase === 'Completed', 'Completed', 60_000);
      return { switchedAt: Date.parse(switched.status!.batches![0]!.finishedAt!), completedAt: Date.now(), greenRev, order: done };
    });
    await sampler.stop();
    assert.deepEqual(report.violations, []);
    const after = await pods(suite.env.client, ns, 'web');
    assert.equal(after.length, 6);
    for (const p of after) {
      assert.ok(!blueUids.has(p.metadata!.uid!), `${p.metadata!.name} is a green pod`);
      assert.equal(p.metadata!.labels![KEYS.revision], result.greenRev);
      assert.equal(p.spec!.containers[0]!.image, 'registry.local/web:2');
    }
    assert.ok(result.completedAt - result.switchedAt >= 4000, 'the blue set stayed for scaleDownDelaySeconds');
    const served = sampler.samples.map((s) => s.revisions.join('+'));
    assert.ok(sampler.samples.every((s) => s.ready > 0), `the Service always had a ready endpoint: ${JSON.stringify(sampler.samples.filter((s) => s.ready === 0).slice(0, 3))}`);
    assert.ok(served.every((r) => r === blueRev || r === result.greenRev), `one revision served at a time: ${[...new Set(served)].join(', ')}`);
    const firstGreen = served.indexOf(result.greenRev);
    assert.ok(firstGreen > 0 && served.slice(firstGreen).every((r) => r === result.greenRev), 'blue, then green, never back');
    const actions = (result.order.status?.history ?? []).map((h) => h.action);
    assert.deepEqual(actions.filter((a) => ['BatchStarted', 'Switched', 'BatchSucceeded', 'Completed'].includes(a)), ['BatchStarted', 'Switched', 'BatchSucceeded', 'Completed']);

    // A second release, rolled back during the delay: the Service switches back at once, the green set goes.
    await suite.env.client.patch(cdRef(ns), 'web', { spec: { strategy: { blueGreen: { activeService: 'web', scaleDownDelaySeconds: 120 } } } }, 'merge');
    const before = (await getCd(suite.env.client, ns, 'web')).status?.releaseOrder;
    await setImage(suite.env.client, ns, 'web', 'registry.local/web:3');
    const name = await currentOrderName(suite.env.client, ns, 'web', before);
    await waitOrder(suite.env.client, ns, name, (o) => (o.status?.history ?? []).some((h) => h.action === 'Switched'), 'the second switch');
    assert.equal((await service(ns)).spec?.selector?.[KEYS.revision], (await getCd(suite.env.client, ns, 'web')).status?.updateRevision);
    await patchOrder(suite.env.client, ns, name, { rollback: true });
    const back = await waitOrder(suite.env.client, ns, name, (o) => o.status?.phase === 'RolledBack', 'RolledBack', 60_000);
    assert.ok((back.status?.history ?? []).some((h) => h.action === 'SwitchedBack'));
    assert.equal((await service(ns)).spec?.selector?.[KEYS.revision], result.greenRev, 'the Service selects the previous revision again');
    const left = await pods(suite.env.client, ns, 'web');
    assert.equal(left.length, 6);
    assert.ok(left.every((p) => p.spec!.containers[0]!.image === 'registry.local/web:2'), 'only the previous set is left');
  });

  test('a missing active Service pauses the release and says which', async () => {
    const ns = 'bluegreen-nosvc';
    await ensureNamespace(suite.env.client, ns);
    const cd = cellDeployment(ns, 'web', { replicas: 3, strategy: { type: 'BlueGreen', blueGreen: { activeService: 'nope', scaleDownDelaySeconds: 0 } } });
    await suite.env.client.create(cdRef(ns), cd);
    await waitPhase(suite.env.client, ns, 'web', 'Completed');
    const before = (await getCd(suite.env.client, ns, 'web')).status?.releaseOrder;
    await setImage(suite.env.client, ns, 'web', 'registry.local/web:2');
    const name = await currentOrderName(suite.env.client, ns, 'web', before);
    const o = await waitOrder(suite.env.client, ns, name, (x) => x.status?.phase === 'Paused', 'Paused');
    assert.match((o.status?.history ?? []).map((h) => h.message ?? '').join('\n'), /Service bluegreen-nosvc\/nope \(strategy\.blueGreen\.activeService\) does not exist; create it or fix the name, then resume/);
    assert.equal((await pods(suite.env.client, ns, 'web')).length, 3, 'no green pod was created');
  });
});
