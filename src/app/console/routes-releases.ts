/**
 * The release routes: the list of CellDeployments with their current release (paged by the API server), one
 * release's detail, and the four actions, all made as the signed-in user (impersonation).
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { FastifyInstance } from 'fastify';
import type { CellDeployment, ReleaseOrder } from '../../api/index.js';
import { isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { forEachLimit } from '../../kube/pool.js';
import { CORE, inNamespace } from '../../kube/resource.js';
import { KEYS, RES } from '../../release/keys.js';
import { runReleaseAction, type ActionResult } from '../../release/steer/actions.js';
import { resolveTarget } from '../../release/steer/resolve.js';
import { statusModel } from '../../release/steer/status-model.js';
import { steerSession, userClient, type ConsoleContext } from './context.js';
import { podViews, releaseSummary, type PodView, type ReleaseSummary } from './release-views.js';
import {
  ActionBody,
  ActionParams,
  ActionResultSchema,
  ErrorBodySchema,
  ReleaseDetail,
  ReleaseList,
  ReleaseParams,
  ReleasesQuery,
  type ActionBodyT,
  type ActionParamsT,
  type ReleaseParamsT,
  type ReleasesQueryT,
} from './schemas.js';

const ERRORS = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema };

/** One page of CellDeployments (the API server's limit/continue), each with its current order. */
export async function listReleases(
  client: KubeClient,
  q: ReleasesQueryT,
): Promise<{ items: ReleaseSummary[]; continue: string | null; remainingItemCount: number | null }> {
  const page = await client.list<CellDeployment>(inNamespace(RES.cellDeployments, q.namespace), { limit: q.limit ?? 100, continue: q.continue });
  const orders = new Map<CellDeployment, ReleaseOrder | undefined>();
  await forEachLimit(page.items, 16, async (cd) => {
    const name = cd.status?.releaseOrder;
    if (!name) return;
    try {
      orders.set(cd, await client.get<ReleaseOrder>(inNamespace(RES.releaseOrders, cd.metadata.namespace), name));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  });
  let items = page.items.map((cd) => releaseSummary(cd, orders.get(cd)));
  if (q.phase) items = items.filter((i) => i.release?.phase === q.phase);
  return { items, continue: page.metadata.continue || null, remainingItemCount: page.metadata.remainingItemCount ?? null };
}

export interface ReleaseDetailView {
  status: ReturnType<typeof statusModel>;
  pods: PodView[];
  history: NonNullable<NonNullable<ReleaseOrder['status']>['history']>;
}

/** The release screen: the status model (batches, units, checks, next action), every pod's state, the history. */
export async function releaseDetail(client: KubeClient, namespace: string, name: string): Promise<ReleaseDetailView> {
  const resolved = await resolveTarget(client, namespace, name);
  const status = statusModel({ order: resolved.order, cd: resolved.cd, resolvedFrom: resolved.resolvedFrom, ref: name, nsFlag: ` -n ${namespace}` });
  const pods = await client.list<V1Pod>(inNamespace(CORE.pods, namespace), { labelSelector: `${KEYS.cellDeployment}=${status.target.name}` });
  return { status, pods: podViews(pods.items, status), history: resolved.order.status?.history ?? [] };
}

export function registerReleaseRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get<{ Querystring: ReleasesQueryT }>(
    '/api/v1/releases',
    {
      schema: {
        summary: 'CellDeployments with their current release, paged by the API server (phase filters within each page)',
        querystring: ReleasesQuery,
        response: { 200: ReleaseList, ...ERRORS },
      },
    },
    (req) => listReleases(userClient(ctx, req), req.query),
  );
  app.get<{ Params: ReleaseParamsT }>(
    '/api/v1/namespaces/:ns/releases/:name',
    { schema: { summary: "A release's detail: batches, units, pods' states, checks, history", params: ReleaseParams, response: { 200: ReleaseDetail, ...ERRORS } } },
    (req) => releaseDetail(userClient(ctx, req), req.params.ns, req.params.name),
  );
  app.post<{ Params: ActionParamsT; Body: ActionBodyT | undefined }>(
    '/api/v1/namespaces/:ns/releases/:name/:action',
    {
      schema: {
        summary: 'Confirm, pause, resume or roll back a release as the signed-in user (recorded in its history); needs X-Plinth-CSRF',
        params: ActionParams,
        body: ActionBody,
        response: { 200: ActionResultSchema, ...ERRORS, 409: ErrorBodySchema },
      },
      // The body is optional: none is the same as {}.
      preValidation: (req, _reply, done) => {
        req.body ??= {};
        done();
      },
    },
    async (req): Promise<ActionResult> => {
      const s = steerSession(ctx, req, req.params.ns);
      const batch = req.body?.batch;
      return runReleaseAction(s, req.params.action, req.params.name, { output: 'json', ...(batch !== undefined ? { batch } : {}) });
    },
  );
}
