import type { V1Pod, V1Toleration } from '@kubernetes/client-node';
import type { CellDeployment } from '../../api/index.js';
import { DONE, REQUEUE, requeueAfter, runController, type Controller, type ReconcileContext, type Result } from '../../kube/controller.js';
import { Discovery } from '../../kube/discovery.js';
import { EventRecorder } from '../../kube/events.js';
import { Expectations } from '../../kube/expectations.js';
import type { KubeClient } from '../../kube/http.js';
import { templateHash, topologyProblems, unitTargets } from '../plan/index.js';
import { BY_CELL_DEPLOYMENT, getCellDeployment, ordersOf, ownerCellDeploymentKey, podsOf, type ReleaseInformers } from '../informers.js';
import { expectWrite } from '../../kube/expect-write.js';
import { COMPONENT, DEFAULT_DRAIN_SECONDS } from '../keys.js';
import { SLICES_BY_POD_UID } from '../pod/endpoints.js';
import { controllerUid, podRevision } from '../pod/state.js';
import { releaseView } from '../view.js';
import { cellDeploymentSources, nodeHandlers } from './events.js';
import { unitsWithoutSchedulableNodes } from './nodes.js';
import { ensureRevision, pruneRevisions, Revisions, templateOf } from './revisions.js';
import { writeCellDeploymentStatus } from './status.js';
import { mergeResults, type SyncContext, type SyncResult } from './sync/context.js';
import { finalizePods, finalizeStep } from './sync/finalize.js';
import { releaseStep } from './sync/release.js';
import { blueGreenCourse, blueGreenStep } from './sync/bluegreen.js';
import { scaleStep } from './sync/scale.js';
import { admitStep, updateStep } from './sync/update.js';

export interface CellDeploymentControllerOptions {
  client: KubeClient;
  informers: ReleaseInformers;
  signal: AbortSignal;
  /** Parallel reconciles of different CellDeployments (default 4). */
  workers?: number;
  /** How long a missed watch event can hold a CellDeployment back (default 30 s). */
  expectationsTimeoutMs?: number;
}

/** While expectations are pending, look again this soon in case the event that satisfies them was missed. */
const EXPECTATIONS_RECHECK_MS = 2000;

/**
 * The CellDeployment controller: the only writer of a CellDeployment's pods. Per reconcile (one worker per
 * CellDeployment): gate on expectations → store the template's revision → finalize deleting pods → scale →
 * create the ReleaseOrder of a new revision → take the current batch's pods through the lossless sequence →
 * write status. The ReleaseOrder controller decides which batch runs; this one carries it out.
 */
export function startCellDeploymentController(opts: CellDeploymentControllerOptions): Controller {
  const { client, informers: inf } = opts;
  const expectations = new Expectations({ timeoutMs: opts.expectationsTimeoutMs ?? 30_000 });
  // Orders and revisions: only the versions this controller wrote are expected (no owner counts creations).
  const versionsOnly = expectations.handlers(() => undefined);
  const podExpectations = expectations.handlers(ownerCellDeploymentKey);
  const unsubscribe = [
    inf.pods.addHandler({
      ...podExpectations,
      // A pod being deleted counts as deleted (as in client-go): the protect finalizer keeps it until this
      // controller releases it, which it could not do while waiting for the deletion.
      onUpdate: (old, obj) => {
        podExpectations.onUpdate?.(old, obj);
        const key = ownerCellDeploymentKey(obj);
        if (key && obj.metadata?.deletionTimestamp && !old.metadata?.deletionTimestamp) expectations.deletionObserved(key, obj.metadata.uid);
      },
    }),
    inf.releaseOrders.addHandler(versionsOnly),
    inf.revisions.addHandler(versionsOnly),
  ];
  const events = new EventRecorder({ client, component: COMPONENT, discovery: new Discovery(client) });
  const caches = { pods: inf.pods, orders: inf.releaseOrders };

  const controller = runController({
    name: 'celldeployment',
    informers: cellDeploymentSources(inf),
    workers: opts.workers ?? 4,
    signal: opts.signal,
    reconcile: (key, rc) => reconcile(key, rc),
  });
  unsubscribe.push(inf.nodes.addHandler(nodeHandlers(inf, (k) => controller.queue.add(k))));
  void controller.done.then(() => {
    for (const u of unsubscribe) u();
  });

  async function reconcile(key: string, rc: ReconcileContext): Promise<Result> {
    const cd = getCellDeployment(inf, key);
    const pods: V1Pod[] = podsOf(inf, key, cd?.metadata.uid);
    const now = new Date();
    const slicesOf = (pod: V1Pod) => (pod.metadata?.uid ? inf.endpointSlices.byIndex(SLICES_BY_POD_UID, pod.metadata.uid) : []);

    if (!cd) {
      // Deleted: the garbage collector deletes the pods; drain each and release its finalizer.
      if (pods.length === 0) {
        expectations.delete(key);
        return DONE;
      }
      const r = await finalizePods({ client, key, pods, slicesOf, drainSeconds: DEFAULT_DRAIN_SECONDS, now, signal: rc.signal, expectations, caches });
      return result(r, rc);
    }
    if (!expectations.satisfied(key)) {
      rc.log.debug({ pending: expectations.pending(key) }, 'waiting for the cache to show earlier writes');
      return requeueAfter(EXPECTATIONS_RECHECK_MS);
    }

    const updateRevision = templateHash(templateOf(cd));
    const stored = inf.revisions.byIndex(BY_CELL_DEPLOYMENT, key).filter((r) => controllerUid(r) === cd.metadata.uid);
    const revisions = new Revisions(cd, updateRevision, stored);
    const orders = ordersOf(inf, key, cd.metadata.uid);
    const view = releaseView(cd, orders, pods, updateRevision);
    const ctx: SyncContext = {
      client,
      key,
      cd,
      pods,
      slicesOf,
      orders,
      view,
      revisions,
      targets: unitTargets(cd.spec),
      drainSeconds: cd.spec.strategy?.drainSeconds ?? DEFAULT_DRAIN_SECONDS,
      leaving: new Set(),
      now,
      signal: rc.signal,
      log: rc.log,
      expectations,
      caches,
      events,
    };

    const steps: SyncResult[] = [];
    if (!cd.metadata.deletionTimestamp) {
      const created = await ensureRevision(client, revisions, rc.signal);
      expectWrite(expectations, key, created, inf.revisions);
    }
    steps.push(await finalizeStep.sync(ctx));
    if (!cd.metadata.deletionTimestamp) {
      // A blue-green course scales the two sets itself; the update step then only admits ready pods.
      const course = blueGreenCourse(ctx);
      const scaled = course ? await blueGreenStep(ctx, course) : await scaleStep.sync(ctx);
      steps.push(scaled);
      ctx.leaving = scaled.leaving;
      steps.push(await releaseStep.sync(ctx));
      // Scale before update: pods created or deleted just now are seen by the next reconcile first; until then
      // only started pods are admitted (admitStep), so a bring-up admits pods while it still creates others.
      const update = course ? { ...ctx, view: { ...ctx.view, mode: 'none' as const, active: new Set<string>() } } : ctx;
      steps.push(await (scaled.changed ? admitStep : updateStep).sync(update));
    }
    const merged = mergeResults(...steps);
    await writeCellDeploymentStatus(
      client,
      {
        cd,
        pods,
        view,
        targets: ctx.targets,
        topologyProblems: topologyProblems(cd.spec),
        unschedulable: unitsWithoutSchedulableNodes(cd.spec.topology.units, cd.spec.topology.unitKey, inf.nodes.list(), tolerationsOf(cd)),
        failures: merged.failures,
        waiting: merged.waiting,
        now,
      },
      rc.signal,
    );
    if (view.mode === 'none' && !merged.changed) {
      const inUse = new Set<string>([updateRevision, ...pods.map(podRevision)]);
      if (view.latest) inUse.add(view.latest.spec.fromRevision).add(view.latest.spec.toRevision);
      await pruneRevisions(client, revisions, inUse, rc.signal);
    }
    return result(merged, rc);
  }

  return controller;
}

function tolerationsOf(cd: CellDeployment): V1Toleration[] {
  const spec = cd.spec.template.spec as { tolerations?: V1Toleration[] };
  return spec.tolerations ?? [];
}

function result(r: SyncResult, rc: ReconcileContext): Result {
  if (r.failures.length > 0) {
    rc.log.warn({ failures: r.failures.slice(0, 5) }, 'some writes failed; retrying with backoff');
    return REQUEUE;
  }
  if (r.requeueAfterMs !== undefined && Number.isFinite(r.requeueAfterMs)) return requeueAfter(Math.max(10, r.requeueAfterMs));
  return DONE;
}

