import { DONE, requeueAfter, runController, type Controller, type ReconcileContext, type Result } from '../../kube/controller.js';
import { Discovery } from '../../kube/discovery.js';
import { EventRecorder } from '../../kube/events.js';
import { Expectations } from '../../kube/expectations.js';
import type { KubeClient } from '../../kube/http.js';
import { asKube, getCellDeployment, getReleaseOrder, ordersOf, podsOf, type ReleaseInformers } from '../informers.js';
import { expectWrite } from '../../kube/expect-write.js';
import { inNamespace } from '../../kube/resource.js';
import { COMPONENT, FIELD_MANAGER, RES } from '../keys.js';
import { latestOrder } from '../orders.js';
import { controllerUid } from '../pod/state.js';
import { policyChecks } from '../policy/checks.js';
import { withPrewarm } from '../prewarm/release-checks.js';
import { type CheckContext, type CheckMoment, type CheckVerdict, type ReleaseChecks } from './checks.js';
import { releaseOrderSources } from './events.js';
import { progress, verdictKey, type ProgressInput, type ProgressOutput } from './progress.js';
import { serviceMoves } from './bluegreen-service.js';
import { writeOrderStatus } from './status.js';

export interface ReleaseOrderControllerOptions {
  client: KubeClient;
  informers: ReleaseInformers;
  signal: AbortSignal;
  /** Release policies' checks before and after each batch (default: the ReleasePolicies, src/release/policy). */
  checks?: ReleaseChecks;
  workers?: number;
}

/**
 * The ReleaseOrder controller: the only writer of ReleaseOrder status. It plans an order's batches once,
 * decides when each batch may start (confirmation, pause, pauseSeconds, checks) and when it is done (from the
 * pods), drives rollbacks, marks replaced orders Superseded and records every decision in the history. The
 * CellDeployment controller reads the order and changes the pods of the batch that runs.
 */
export function startReleaseOrderController(opts: ReleaseOrderControllerOptions): Controller {
  const { client, informers: inf } = opts;
  const checks = opts.checks ?? withPrewarm(client, policyChecks(client));
  const moves = serviceMoves(client);
  const ask = (moment: CheckMoment, ctx: CheckContext): Promise<CheckVerdict> => {
    switch (moment) {
      case 'before':
        return checks.beforeBatch(ctx);
      case 'during':
        return checks.duringBatch(ctx);
      case 'after':
        return checks.afterBatch(ctx);
      default:
        return moves[moment](ctx);
    }
  };
  const expectations = new Expectations({ timeoutMs: 30_000 });
  // The controller's own objects: only the versions it wrote are expected.
  const unsubscribe = inf.releaseOrders.addHandler(expectations.handlers(() => undefined));
  const events = new EventRecorder({ client, component: COMPONENT, discovery: new Discovery(client) });

  const controller = runController({
    name: 'releaseorder',
    informers: releaseOrderSources(inf),
    workers: opts.workers ?? 2,
    signal: opts.signal,
    reconcile: (key, rc) => reconcile(key, rc),
  });
  void controller.done.then(unsubscribe);

  async function reconcile(key: string, rc: ReconcileContext): Promise<Result> {
    const order = getReleaseOrder(inf, key);
    if (!order) {
      expectations.delete(key);
      return DONE;
    }
    if (!expectations.satisfied(key)) return requeueAfter(1000);
    const ns = order.metadata.namespace ?? '';
    const cdKey = `${ns}/${order.spec.target.name}`;
    const cd = getCellDeployment(inf, cdKey);
    // Orders are created by the CellDeployment controller with an owner reference; others are not ours.
    if (!cd || controllerUid(order) !== cd.metadata.uid) return DONE;
    const latest = latestOrder(ordersOf(inf, cdKey, cd.metadata.uid));
    const pods = podsOf(inf, cdKey, cd.metadata.uid);

    const compute = async (current: typeof order): Promise<ProgressOutput> => {
      const now = new Date();
      const input: ProgressInput = {
        order: current,
        cd,
        newer: latest && latest.metadata.name !== current.metadata.name ? { name: latest.metadata.name ?? '', toRevision: latest.spec.toRevision } : undefined,
        pods,
        now,
      };
      const verdicts = new Map<string, CheckVerdict>();
      let out = progress(input);
      // A batch finishing can lead straight to the next batch's start: each asks its hook once.
      while (out.needs) {
        const { check, batch } = out.needs;
        const k = verdictKey(check, batch);
        if (verdicts.has(k)) throw new Error(`check ${k} asked twice`);
        const ctx = { order: current, cd, batch, pods, now, signal: rc.signal };
        verdicts.set(k, await ask(check, ctx));
        out = progress({ ...input, verdicts });
      }
      return out;
    };
    const written = await writeOrderStatus(client, order, compute, rc.signal);
    if (!written) return DONE;
    if (written.changed) {
      expectWrite(expectations, key, asKube(written.object), inf.releaseOrders);
      for (const e of written.out.events) events.event(asKube(written.object), e.type, e.reason, e.message);
      rc.log.info({ phase: written.out.status.phase, batch: written.out.status.currentBatch }, 'release order progressed');
    }
    if (written.out.pauseOrder && written.object.spec.paused !== true) {
      // A failed check with onFailure Pause: the order is paused like a person would pause it, so resuming
      // is the usual `plinth release resume` (spec.paused false). Should this write be lost (a crash right
      // here), the next reconcile runs the failed checks again and pauses again.
      const paused = await client.patch<typeof order>(inNamespace(RES.releaseOrders, ns), order.metadata.name ?? '', { spec: { paused: true } }, 'merge', { fieldManager: FIELD_MANAGER, signal: rc.signal });
      expectWrite(expectations, key, asKube(paused), inf.releaseOrders);
    }
    const ms = written.out.requeueAfterMs;
    return ms !== undefined && ms > 0 ? requeueAfter(ms) : DONE;
  }

  return controller;
}
