/**
 * The fleet routes: GitSources and FleetDeliveries (paged by the API server), one delivery's detail with a row
 * per cluster (its ClusterDelivery in the member's hub namespace), and the four rollout actions, all made as the
 * signed-in user (impersonation). ClusterDeliveries the user may not read are counted, not shown.
 */
import type { FastifyInstance } from 'fastify';
import type { ClusterDelivery, FleetDelivery, GitSource, MemberCluster } from '../../api/index.js';
import { RES as FLEET_RES } from '../../fleet/delivery/keys.js';
import { place } from '../../fleet/delivery/placement.js';
import type { MemberView } from '../../fleet/delivery/types.js';
import { planWaves } from '../../fleet/delivery/waves.js';
import { LABEL_DELIVERY_NAME, LABEL_DELIVERY_NAMESPACE } from '../../fleet/names.js';
import { runFleetAction, type FleetActionResult } from '../../fleet/steer/actions.js';
import { getDeliveryOrFail } from '../../fleet/steer/record.js';
import { KubeApiError } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { listPages } from '../../kube/pager.js';
import { inNamespace, type ResourceRef } from '../../kube/resource.js';
import { steerSession, userClient, type ConsoleContext } from './context.js';
import {
  DeliveryDetailSchema,
  DeliveryList,
  DeliveryParams,
  FleetActionBody,
  FleetActionParams,
  FleetActionResultSchema,
  FleetListQuery,
  SourceList,
  type DeliveryParamsT,
  type FleetActionBodyT,
  type FleetActionParamsT,
  type FleetListQueryT,
} from './fleet-schemas.js';
import { clusterOf, clusterRow, deliveryItem, sourceItem, type ClusterRow, type DeliveryItem, type SourceItem } from './fleet-views.js';
import { ErrorBodySchema } from './schemas.js';

const ERRORS = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema };

/** What the console itself knows exists (from its informer): the ClusterDeliveries of a delivery, or undefined. */
export type KnownClusterDeliveries = (namespace: string, name: string) => ClusterDelivery[] | undefined;

const isForbidden = (err: unknown): boolean => err instanceof KubeApiError && err.status === 403;

async function listAll<T>(client: KubeClient, r: ResourceRef, labelSelector?: string): Promise<T[]> {
  const out: T[] = [];
  for await (const page of listPages<T>(client, r, { limit: 500, ...(labelSelector ? { labelSelector } : {}) })) out.push(...page.items);
  return out;
}

async function page<T, V>(client: KubeClient, r: ResourceRef, q: FleetListQueryT, view: (o: T) => V): Promise<{ items: V[]; continue: string | null }> {
  const list = await client.list<T>(inNamespace(r, q.namespace), { limit: q.limit ?? 100, continue: q.continue });
  return { items: list.items.map(view), continue: list.metadata.continue || null };
}

export function listSources(client: KubeClient, q: FleetListQueryT): Promise<{ items: SourceItem[]; continue: string | null }> {
  return page<GitSource, SourceItem>(client, FLEET_RES.gitSources, q, sourceItem);
}

export function listDeliveries(client: KubeClient, q: FleetListQueryT): Promise<{ items: DeliveryItem[]; continue: string | null }> {
  return page<FleetDelivery, DeliveryItem>(client, FLEET_RES.fleetDeliveries, q, deliveryItem);
}

/**
 * The delivery's ClusterDeliveries the user may read, and how many others exist: one list across namespaces
 * when the user may; else one list per member namespace the console knows holds one (each refused namespace's
 * count is hidden); without the console's knowledge, every placed cluster counts as hidden.
 */
export async function readableClusterDeliveries(
  client: KubeClient,
  fd: FleetDelivery,
  known: KnownClusterDeliveries | undefined,
): Promise<{ items: ClusterDelivery[]; hidden: number }> {
  const ns = fd.metadata.namespace ?? '';
  const name = fd.metadata.name ?? '';
  const sel = `${LABEL_DELIVERY_NAMESPACE}=${ns},${LABEL_DELIVERY_NAME}=${name}`;
  try {
    return { items: await listAll<ClusterDelivery>(client, FLEET_RES.clusterDeliveries, sel), hidden: 0 };
  } catch (err) {
    if (!isForbidden(err)) throw err;
  }
  const all = known?.(ns, name);
  if (!all) return { items: [], hidden: fd.status?.clusters?.placed ?? 0 };
  const byNs = new Map<string, number>();
  for (const cd of all) byNs.set(cd.metadata.namespace ?? '', (byNs.get(cd.metadata.namespace ?? '') ?? 0) + 1);
  const items: ClusterDelivery[] = [];
  let hidden = 0;
  for (const [memberNs, count] of byNs) {
    try {
      items.push(...(await listAll<ClusterDelivery>(client, inNamespace(FLEET_RES.clusterDeliveries, memberNs), sel)));
    } catch (err) {
      if (!isForbidden(err)) throw err;
      hidden += count;
    }
  }
  return { items, hidden };
}

function memberView(m: MemberCluster): MemberView {
  const c = m.status?.conditions?.find((x) => x.type === 'Connected');
  return {
    name: m.metadata.name ?? '',
    labels: m.metadata.labels ?? {},
    accepted: m.spec?.accepted === true,
    ...(c ? { connected: { status: c.status, ...(c.lastTransitionTime ? { since: c.lastTransitionTime } : {}) } } : {}),
  };
}

/** Pure: each placed cluster's wave, as the controller plans them. */
export function wavesOf(fd: FleetDelivery, members: readonly MemberCluster[]): Map<string, string> {
  const placed = place(fd.spec.placement, members.map(memberView)).placed;
  const out = new Map<string, string>();
  for (const w of planWaves(fd.spec.rollout?.waves, placed)) for (const c of w.clusters) out.set(c, w.name);
  return out;
}

export interface DeliveryDetail {
  delivery: DeliveryItem;
  clusters: ClusterRow[];
  hiddenClusters: number;
  history: NonNullable<NonNullable<FleetDelivery['status']>['history']>;
}

/** The delivery screen: the delivery, one row per cluster the user may read, the history. */
export async function deliveryDetail(client: KubeClient, namespace: string, name: string, known?: KnownClusterDeliveries): Promise<DeliveryDetail> {
  const fd = await getDeliveryOrFail(client, namespace, name);
  const [cds, waves] = await Promise.all([
    readableClusterDeliveries(client, fd, known),
    // The wave of each cluster needs the MemberClusters' labels; a user who may not list them sees no waves.
    listAll<MemberCluster>(client, FLEET_RES.memberClusters).then(
      (ms) => wavesOf(fd, ms),
      (err: unknown) => {
        if (!(err instanceof KubeApiError)) throw err;
        return new Map<string, string>();
      },
    ),
  ]);
  const clusters = cds.items.map((cd) => clusterRow(cd, waves.get(clusterOf(cd)) ?? null)).sort((a, b) => a.cluster.localeCompare(b.cluster));
  return { delivery: deliveryItem(fd), clusters, hiddenClusters: cds.hidden, history: fd.status?.history ?? [] };
}

export function registerFleetRoutes(app: FastifyInstance, ctx: ConsoleContext, known?: KnownClusterDeliveries): void {
  app.get<{ Querystring: FleetListQueryT }>(
    '/api/v1/fleet/sources',
    { schema: { summary: 'GitSources (paged by the API server)', querystring: FleetListQuery, response: { 200: SourceList, ...ERRORS } } },
    (req) => listSources(userClient(ctx, req), req.query),
  );
  app.get<{ Querystring: FleetListQueryT }>(
    '/api/v1/fleet/deliveries',
    { schema: { summary: 'FleetDeliveries with their rollout (paged by the API server)', querystring: FleetListQuery, response: { 200: DeliveryList, ...ERRORS } } },
    (req) => listDeliveries(userClient(ctx, req), req.query),
  );
  app.get<{ Params: DeliveryParamsT }>(
    '/api/v1/namespaces/:ns/fleet/deliveries/:name',
    {
      schema: {
        summary: "A delivery's detail: waves, one row per cluster the user may read (hiddenClusters counts the others), history",
        params: DeliveryParams,
        response: { 200: DeliveryDetailSchema, ...ERRORS },
      },
    },
    (req) => deliveryDetail(userClient(ctx, req), req.params.ns, req.params.name, known),
  );
  app.post<{ Params: FleetActionParamsT; Body: FleetActionBodyT | undefined }>(
    '/api/v1/namespaces/:ns/fleet/deliveries/:name/:action',
    {
      schema: {
        summary: "Confirm the waiting wave, pause, resume or roll back a delivery's rollout as the signed-in user (recorded in its history); needs X-Plinth-CSRF",
        params: FleetActionParams,
        body: FleetActionBody,
        response: { 200: FleetActionResultSchema, ...ERRORS, 409: ErrorBodySchema },
      },
      preValidation: (req, _reply, done) => {
        req.body ??= {};
        done();
      },
    },
    async (req): Promise<FleetActionResult> => {
      const to = req.body?.to;
      return runFleetAction(steerSession(ctx, req, req.params.ns), req.params.action, req.params.name, to !== undefined ? { to } : {});
    },
  );
}
