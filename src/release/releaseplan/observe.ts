import type { V1Deployment } from '@kubernetes/client-node';
import type { CellDeployment, PlanAppT, ReleaseOrder } from '../../api/index.js';
import { isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { CORE, inNamespace } from '../../kube/resource.js';
import { RES } from '../keys.js';
import type { AppObs, OrderObs } from './types.js';

interface Container {
  name?: string;
  image?: string;
}

function imagesOf(containers: readonly Container[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of containers ?? []) if (c.name) out[c.name] = c.image ?? '';
  return out;
}

async function getOrUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const MISSING: AppObs = { exists: false, images: {}, settled: false, state: 'Progressing', paused: false };

/** What the plan reads of one app: a CellDeployment (and its current ReleaseOrder) or a Deployment. */
export async function observeApp(client: KubeClient, namespace: string, app: PlanAppT, signal?: AbortSignal): Promise<AppObs> {
  return (app.kind ?? 'CellDeployment') === 'Deployment' ? observeDeployment(client, namespace, app.name, signal) : observeCellDeployment(client, namespace, app.name, signal);
}

function stalled(order: ReleaseOrder): string | undefined {
  const c = order.status?.conditions?.find((x) => x.type === 'Stalled' && x.status === 'True');
  return c ? c.message || c.reason || 'no progress' : undefined;
}

async function observeCellDeployment(client: KubeClient, ns: string, name: string, signal?: AbortSignal): Promise<AppObs> {
  const cd = await getOrUndefined(client.get<CellDeployment>(inNamespace(RES.cellDeployments, ns), name, { signal }));
  if (!cd) return MISSING;
  const current = cd.status?.releaseOrder;
  const ro = current ? await getOrUndefined(client.get<ReleaseOrder>(inNamespace(RES.releaseOrders, ns), current, { signal })) : undefined;
  return cellDeploymentObs(cd, ro);
}

/**
 * Pure: what the plan sees of a CellDeployment and its current ReleaseOrder (status.releaseOrder, if read):
 * Failed when the order of its template as it is now is Failed, RolledBack or Stalled; Completed when the
 * CellDeployment is Completed on its current generation (and that order Completed).
 */
export function cellDeploymentObs(cd: CellDeployment, ro: ReleaseOrder | undefined): AppObs {
  const st = cd.status;
  const settled = (st?.observedGeneration ?? -1) >= (cd.metadata.generation ?? 0);
  const obs: AppObs = {
    exists: true,
    images: imagesOf((cd.spec.template.spec as { containers?: Container[] }).containers),
    settled,
    state: 'Progressing',
    paused: false,
    strategy: { beta: cd.spec.strategy?.beta === true, needConfirm: cd.spec.strategy?.needConfirm === true },
  };
  // Only the order of the template as it is now says how this release goes.
  const order = ro && ro.spec.toRevision === st?.updateRevision ? ro : undefined;
  if (order) {
    const batches = order.status?.batches ?? [];
    const o: OrderObs = {
      name: order.metadata.name ?? '',
      phase: order.status?.phase ?? 'Pending',
      batches: batches.length,
      confirmedBatches: order.spec.confirmedBatches ?? 0,
      paused: order.spec.paused === true,
      firstBatchDone: batches.find((b) => b.index === 0)?.phase === 'Succeeded',
    };
    obs.order = o;
    obs.paused = o.paused && !['Completed', 'RolledBack', 'Superseded', 'Failed'].includes(o.phase);
    const stall = stalled(order);
    const last = order.status?.history?.at(-1)?.message;
    if (o.phase === 'Failed' || o.phase === 'RolledBack') {
      obs.state = 'Failed';
      obs.message = `ReleaseOrder ${o.name} is ${o.phase}${last ? `: ${last}` : ''}`;
    } else if (stall !== undefined) {
      obs.state = 'Failed';
      obs.message = `ReleaseOrder ${o.name} is Stalled: ${stall}`;
    }
  }
  if (obs.state !== 'Failed' && settled && st?.phase === 'Completed' && (!order || order.status?.phase === 'Completed')) obs.state = 'Completed';
  return obs;
}

async function observeDeployment(client: KubeClient, ns: string, name: string, signal?: AbortSignal): Promise<AppObs> {
  const d = await getOrUndefined(client.get<V1Deployment>(inNamespace(CORE.deployments, ns), name, { signal }));
  return d ? deploymentObs(d) : MISSING;
}

/**
 * Pure: what the plan sees of a Deployment: Failed past its progressDeadlineSeconds (Progressing=False,
 * ProgressDeadlineExceeded); Completed when its rollout of the current generation is complete (every replica
 * updated and available, no old one left).
 */
export function deploymentObs(d: V1Deployment): AppObs {
  const st = d.status;
  const want = d.spec?.replicas ?? 1;
  const settled = (st?.observedGeneration ?? -1) >= (d.metadata?.generation ?? 0);
  const obs: AppObs = { exists: true, images: imagesOf(d.spec?.template.spec?.containers), settled, state: 'Progressing', paused: d.spec?.paused === true };
  const progressing = st?.conditions?.find((c) => c.type === 'Progressing');
  if (settled && progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    obs.state = 'Failed';
    obs.message = `Deployment ${d.metadata?.name ?? ''} is past its progressDeadlineSeconds: ${progressing.message ?? 'no progress'}`;
  } else if (settled && (st?.updatedReplicas ?? 0) === want && (st?.availableReplicas ?? 0) === want && (st?.replicas ?? 0) === want) {
    obs.state = 'Completed';
  }
  return obs;
}
