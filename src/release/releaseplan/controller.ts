import type { ReleasePlan } from '../../api/index.js';
import { DONE, requeueAfter, runController, type Controller, type ReconcileContext, type Result } from '../../kube/controller.js';
import type { KubeClient } from '../../kube/http.js';
import { Informer } from '../../kube/informer.js';
import { inNamespace, type KubeObject } from '../../kube/resource.js';
import { writeStatus } from '../../kube/status.js';
import { isNotFound } from '../../kube/api-error.js';
import { errorMessage } from '../../errors/index.js';
import { RELEASE_PLANS, runAction } from './act.js';
import { conflictOf } from './conflict.js';
import { decide } from './decide.js';
import { observeApp } from './observe.js';
import type { AppObs, DecideOutput } from './types.js';

export interface ReleasePlanControllerOptions {
  client: KubeClient;
  signal: AbortSignal;
  workers?: number;
}

/**
 * The ReleasePlan controller: the only writer of ReleasePlan status. Each reconcile reads the plan (informer),
 * its apps (CellDeployments with their current ReleaseOrder, Deployments: read from the API, a handful per
 * plan) and the other plans, decides (decide.ts, pure), writes the status first — so what the plan is about
 * to do (an app's images before it changed them) is stored before it is done — and then acts: sets images,
 * confirms and pauses the apps' own releases. Everything is recomputed from what is stored and seen, so a
 * controller stopped at any point continues where it was. An active plan is looked at again every second.
 */
export function startReleasePlanController(opts: ReleasePlanControllerOptions): Controller {
  const { client } = opts;
  const plans = new Informer<KubeObject>({ client, resource: RELEASE_PLANS, name: 'releaseplans' });
  const controller = runController({
    name: 'releaseplan',
    informers: [plans],
    workers: opts.workers ?? 2,
    signal: opts.signal,
    reconcile: (key, rc) => reconcile(key, rc),
  });
  void controller.done.then(() => plans.stop());

  async function reconcile(key: string, rc: ReconcileContext): Promise<Result> {
    const cached = plans.get(key) as unknown as ReleasePlan | undefined;
    if (!cached) return DONE;
    const ns = cached.metadata.namespace ?? '';
    const others = plans.list() as unknown as ReleasePlan[];
    let out: DecideOutput | undefined;
    let written: ReleasePlan;
    try {
      const w = await writeStatus({
        client,
        resource: inNamespace(RELEASE_PLANS, ns),
        name: cached.metadata.name ?? '',
        current: cached as unknown as KubeObject,
        desired: async (o) => {
          const plan = o as unknown as ReleasePlan;
          const apps = new Map<string, AppObs>();
          await Promise.all(plan.spec.apps.map(async (a) => apps.set(a.name, await observeApp(client, ns, a, rc.signal))));
          out = decide({ plan, apps, conflict: conflictOf(plan, others), now: new Date() });
          return out.status;
        },
        signal: rc.signal,
      });
      written = w.object as unknown as ReleasePlan;
      if (w.changed) rc.log.info({ phase: out?.status.phase, stage: out?.status.currentStage }, 'release plan progressed');
    } catch (err) {
      if (isNotFound(err)) return DONE;
      throw err;
    }
    for (const a of out?.actions ?? []) {
      if (rc.signal.aborted) return DONE;
      try {
        await runAction(client, written, a, rc.signal);
      } catch (err) {
        // The next reconcile decides again from what is there; an app patched meanwhile is read afresh.
        rc.log.warn({ action: a.type, app: 'app' in a ? a.app : undefined, err: errorMessage(err) }, 'release plan action failed; retried on the next reconcile');
      }
    }
    const ms = out?.requeueAfterMs;
    return ms !== undefined ? requeueAfter(ms) : DONE;
  }

  return controller;
}
