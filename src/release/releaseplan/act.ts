import type { CellDeployment, ReleasePlan } from '../../api/index.js';
import type { KubeClient } from '../../kube/http.js';
import { CORE, inNamespace, ref } from '../../kube/resource.js';
import { FIELD_MANAGER, RELEASE_API_VERSION, RES } from '../keys.js';
import { historyEntry } from '../plan/history.js';
import { recordHistory } from '../steer/record.js';
import { PLAN_ACTOR, type PlanAction } from './types.js';

/** The ReleasePlan resource (cluster-wide; inNamespace for one namespace). */
export const RELEASE_PLANS = ref(RELEASE_API_VERSION, 'releaseplans');

type Op = { op: 'test' | 'replace' | 'add'; path: string; value: unknown };

/**
 * Pure: the JSON patch that sets the images of a CellDeployment's containers, each guarded by a test of the
 * container's name at its index (a template reordered meanwhile fails the patch, which is then retried on the
 * next reconcile); with `holdAfterBeta` also strategy.beta and strategy.needConfirm (the beta stage).
 */
export function cellImagesPatch(cd: CellDeployment, images: readonly { container: string; image: string }[], holdAfterBeta: boolean): Op[] {
  const containers = ((cd.spec.template.spec as { containers?: { name?: string }[] }).containers ?? []);
  const ops: Op[] = [];
  for (const i of images) {
    const at = containers.findIndex((c) => c.name === i.container);
    if (at < 0) continue;
    ops.push({ op: 'test', path: `/spec/template/spec/containers/${at}/name`, value: i.container });
    ops.push({ op: 'replace', path: `/spec/template/spec/containers/${at}/image`, value: i.image });
  }
  if (holdAfterBeta) {
    if (cd.spec.strategy) {
      ops.push({ op: 'add', path: '/spec/strategy/beta', value: true }, { op: 'add', path: '/spec/strategy/needConfirm', value: true });
    } else {
      ops.push({ op: 'add', path: '/spec/strategy', value: { beta: true, needConfirm: true } });
    }
  }
  return ops;
}

/** Does one action of the plan `plan` (each is idempotent: a repeated action changes nothing). */
export async function runAction(client: KubeClient, plan: ReleasePlan, a: PlanAction, signal?: AbortSignal): Promise<void> {
  const ns = plan.metadata.namespace ?? '';
  const opts = { fieldManager: FIELD_MANAGER, ...(signal ? { signal } : {}) };
  switch (a.type) {
    case 'setImages': {
      if (a.kind === 'Deployment') {
        const patch = { spec: { ...(a.unpause ? { paused: false } : {}), template: { spec: { containers: a.images.map((i) => ({ name: i.container, image: i.image })) } } } };
        await client.patch(inNamespace(CORE.deployments, ns), a.app, patch, 'strategic', opts);
        return;
      }
      const cd = await client.get<CellDeployment>(inNamespace(RES.cellDeployments, ns), a.app, { signal });
      const ops = cellImagesPatch(cd, a.images, a.holdAfterBeta === true);
      if (ops.length > 0) await client.patch(inNamespace(RES.cellDeployments, ns), a.app, ops, 'json', opts);
      return;
    }
    case 'confirmOrder': {
      await client.patch(inNamespace(RES.releaseOrders, ns), a.order, { spec: { confirmedBatches: a.confirmedBatches } }, 'merge', opts);
      const msg = `confirmed by ReleasePlan ${plan.metadata.name ?? ''} (its stage ${a.stage + 1}): batches up to ${a.confirmedBatches + 1}`;
      await recordHistory(client, ns, a.order, historyEntry(new Date(), PLAN_ACTOR, 'Confirm', { batch: a.confirmedBatches, message: msg }));
      return;
    }
    case 'pauseApp': {
      if (a.kind === 'Deployment') await client.patch(inNamespace(CORE.deployments, ns), a.app, { spec: { paused: a.paused } }, 'merge', opts);
      else if (a.order) await client.patch(inNamespace(RES.releaseOrders, ns), a.order, { spec: { paused: a.paused } }, 'merge', opts);
      return;
    }
    case 'restoreStrategy': {
      await client.patch(inNamespace(RES.cellDeployments, ns), a.app, { spec: { strategy: a.strategy } }, 'merge', opts);
      return;
    }
    case 'pausePlan': {
      if (plan.spec.paused) return;
      await client.patch(inNamespace(RELEASE_PLANS, ns), plan.metadata.name ?? '', { spec: { paused: true } }, 'merge', opts);
      return;
    }
  }
}
