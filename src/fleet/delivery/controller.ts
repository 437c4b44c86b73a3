import type { ClusterDelivery, FleetDelivery } from '../../api/index.js';
import { DONE, requeueAfter, runController, type Controller, type ReconcileContext, type Result } from '../../kube/controller.js';
import { Discovery } from '../../kube/discovery.js';
import { EventRecorder } from '../../kube/events.js';
import { Expectations } from '../../kube/expectations.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace, type KubeObject } from '../../kube/resource.js';
import { expectWrite } from '../../kube/expect-write.js';
import { deliverySources } from './events.js';
import { ensureFinalizer, finalizeDelivery } from './finalizer.js';
import { artifactBaseUrl, clusterDeliveriesOf, deliveryKeyOf, getDelivery, getSource, memberViews, type DeliveryInformers } from './informers.js';
import { DELIVERY_COMPONENT, DELIVERY_FIELD_MANAGER, RES } from './keys.js';
import { planRollout } from './rollout.js';
import { writeDeliveryStatus } from './status.js';
import { syncClusterDeliveries } from './sync/cluster-deliveries.js';
import type { SourceView } from './types.js';

export interface FleetDeliveryControllerOptions {
  client: KubeClient;
  informers: DeliveryInformers;
  signal: AbortSignal;
  workers?: number;
}

const asKube = (o: { metadata: object }): KubeObject => o;

/** The GitSource as the planner reads it: its commit and the artifact (or error) of the delivery's path. */
export function sourceView(fd: FleetDelivery, inf: DeliveryInformers): SourceView {
  const gs = getSource(inf, fd.metadata.namespace ?? '', fd.spec.sourceRef.name);
  if (!gs) return { found: false };
  const path = fd.spec.path ?? '';
  const entry = gs.status?.artifacts?.find((a) => a.path === path);
  const v: SourceView = { found: true };
  if (gs.status?.commit) v.commit = gs.status.commit;
  if (entry?.error) v.error = entry.error;
  else if (entry?.digest) v.digest = entry.digest;
  return v;
}

/**
 * The FleetDelivery controller: the only writer of FleetDelivery status and of ClusterDelivery specs. Each
 * reconcile decides (pure, rollout.ts) from the delivery, its GitSource, the MemberClusters and the
 * ClusterDeliveries; records the decision in the status first (guarded by resourceVersion), and only then
 * writes the ClusterDeliveries that decision moves — so every desired state a member gets is one the status
 * (and its history) already names.
 */
export function startFleetDeliveryController(opts: FleetDeliveryControllerOptions): Controller {
  const { client, informers: inf } = opts;
  const expectations = new Expectations({ timeoutMs: 30_000 });
  const unsubscribe = [
    inf.deliveries.addHandler(expectations.handlers(() => undefined)),
    inf.clusterDeliveries.addHandler(expectations.handlers(deliveryKeyOf)),
  ];
  const events = new EventRecorder({ client, component: DELIVERY_COMPONENT, discovery: new Discovery(client) });
  const controller = runController({
    name: 'fleetdelivery',
    informers: deliverySources(inf),
    workers: opts.workers ?? 2,
    signal: opts.signal,
    reconcile: (key, rc) => reconcile(key, rc),
  });
  void controller.done.then(() => unsubscribe.forEach((u) => u()));

  const expect = (key: string, written: KubeObject, cache: { get(k: string): KubeObject | undefined }): void => expectWrite(expectations, key, written, cache);

  async function reconcile(key: string, rc: ReconcileContext): Promise<Result> {
    let fd = getDelivery(inf, key);
    if (!fd) {
      expectations.delete(key);
      return DONE;
    }
    if (!expectations.satisfied(key)) return requeueAfter(500);
    if (fd.metadata.deletionTimestamp) {
      const gone = await finalizeDelivery(client, fd, rc.signal);
      return gone ? DONE : requeueAfter(1000);
    }
    fd = await ensureFinalizer(client, fd, rc.signal);
    const source = sourceView(fd, inf);
    const members = memberViews(inf);
    const cds = clusterDeliveriesOf(inf, key);
    const artifactURL = artifactBaseUrl(inf);
    const compute = (o: FleetDelivery): ReturnType<typeof planRollout> =>
      planRollout({
        delivery: { namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '', ...(o.metadata.uid ? { uid: o.metadata.uid } : {}), ...(o.metadata.generation !== undefined ? { generation: o.metadata.generation } : {}), spec: o.spec, ...(o.status ? { status: o.status } : {}) },
        source,
        members,
        deliveries: cds,
        ...(artifactURL ? { artifactURL } : {}),
        now: new Date(),
      });
    const written = await writeDeliveryStatus(client, fd, compute, rc.signal);
    if (!written) return DONE;
    const { out, object } = written;
    const ref = inNamespace(RES.fleetDeliveries, object.metadata.namespace);
    if (out.clearConfirmations) {
      // A new rollout: the previous rollout's confirmations must not let its waves through.
      const cleared = await client.patch<FleetDelivery>(ref, object.metadata.name ?? '', [
        { op: 'test', path: '/metadata/resourceVersion', value: object.metadata.resourceVersion },
        { op: 'replace', path: '/spec/confirmedWaves', value: [] },
      ], 'json', { signal: rc.signal, fieldManager: DELIVERY_FIELD_MANAGER });
      expect(key, asKube(cleared), inf.deliveries);
      rc.log.info('new rollout: cleared the previous rollout\'s confirmed waves');
      return requeueAfter(1);
    }
    if (written.changed) {
      expect(key, asKube(object), inf.deliveries);
      rc.log.info({ phase: out.status.phase, revision: out.status.revision, sequence: out.status.sequence }, 'fleet delivery progressed');
    }
    for (const e of out.events) events.event(asKube(object), e.type, e.reason, e.message);
    if (out.pause && object.spec.paused !== true) {
      const paused = await client.patch<FleetDelivery>(ref, object.metadata.name ?? '', { spec: { paused: true } }, 'merge', { signal: rc.signal, fieldManager: DELIVERY_FIELD_MANAGER });
      expect(key, asKube(paused), inf.deliveries);
    }
    const existing = new Map<string, ClusterDelivery>(cds.map((c) => [c.cluster, c.object]));
    const sync = await syncClusterDeliveries(client, object.metadata.namespace ?? '', object.metadata.name ?? '', out.upserts, out.deletes, existing, rc.signal);
    for (const cd of sync.written) expect(key, asKube(cd), inf.clusterDeliveries);
    // Deletions the cache has not shown yet (one it already dropped would never be observed again).
    const gone = sync.deleted.map((c) => existing.get(c)).filter((cd) => cd && inf.clusterDeliveries.get(`${cd.metadata.namespace ?? ''}/${cd.metadata.name ?? ''}`)?.metadata?.uid === cd.metadata.uid);
    if (gone.length > 0) expectations.expectDeletions(key, gone.map((cd) => cd?.metadata.uid ?? ''));
    if (sync.written.length > 0 || sync.deleted.length > 0) {
      rc.log.info({ written: sync.written.length, deleted: sync.deleted.length, sequence: out.status.sequence }, 'cluster deliveries written');
    }
    if (sync.waiting.length > 0) {
      rc.log.info({ clusters: sync.waiting }, 'member namespaces do not exist yet; retrying');
      return requeueAfter(2000);
    }
    const ms = out.requeueAfterMs;
    return ms !== undefined && ms > 0 ? requeueAfter(ms) : DONE;
  }

  return controller;
}
