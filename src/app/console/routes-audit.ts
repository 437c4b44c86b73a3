/**
 * `GET /api/v1/audit`: who did what, merged from the histories the signed-in user may list (ReleaseOrder,
 * ReleasePlan and FleetDelivery `status.history`), newest first. A kind the user may not list (or whose CRD is
 * absent) is skipped and named in `skipped`; NodeRun is always skipped (node runs record no user).
 */
import type { FastifyInstance } from 'fastify';
import { RES as FLEET_RES } from '../../fleet/delivery/keys.js';
import { KubeApiError } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { listPages } from '../../kube/pager.js';
import { inNamespace, type ResourceRef } from '../../kube/resource.js';
import { RES } from '../../release/keys.js';
import { RELEASE_PLANS } from '../../release/releaseplan/act.js';
import { auditItems, AUDIT_KINDS, mergeAudit, type AuditItem, type AuditKind, type HistoryOwner } from './audit.js';
import { userClient, type ConsoleContext } from './context.js';
import { errorReply } from './errors.js';
import { AuditList, AuditQuery, type AuditQueryT } from './fleet-schemas.js';
import { ErrorBodySchema } from './schemas.js';

const RESOURCES: Record<AuditKind, ResourceRef> = {
  ReleaseOrder: RES.releaseOrders,
  ReleasePlan: RELEASE_PLANS,
  FleetDelivery: FLEET_RES.fleetDeliveries,
};

export const NODE_RUN_SKIPPED = { kind: 'NodeRun', message: 'node runs record no user for their decisions (their state records the process that runs them)' };

export interface AuditView {
  items: AuditItem[];
  continue: null;
  skipped: Array<{ kind: string; message: string }>;
}

/** The audit list as `client` (the user) may read it. */
export async function auditView(client: KubeClient, q: AuditQueryT): Promise<AuditView> {
  const kinds = AUDIT_KINDS.filter((k) => q.kind === undefined || q.kind === k);
  const skipped: AuditView['skipped'] = [];
  const all: AuditItem[] = [];
  await Promise.all(
    kinds.map(async (kind) => {
      const objects: HistoryOwner[] = [];
      try {
        const opts = { limit: 500, ...(q.name ? { fieldSelector: `metadata.name=${q.name}` } : {}) };
        for await (const page of listPages<HistoryOwner>(client, inNamespace(RESOURCES[kind], q.namespace), opts)) objects.push(...page.items);
      } catch (err) {
        if (!(err instanceof KubeApiError)) throw err;
        skipped.push({ kind, message: errorReply(err).body.message });
        return;
      }
      all.push(...auditItems(kind, objects));
    }),
  );
  if (q.kind === undefined || q.kind === 'NodeRun') skipped.push(NODE_RUN_SKIPPED);
  skipped.sort((a, b) => a.kind.localeCompare(b.kind));
  const f = { limit: q.limit ?? 100, ...(q.user ? { user: q.user } : {}), ...(q.kind ? { kind: q.kind } : {}), ...(q.namespace ? { namespace: q.namespace } : {}), ...(q.name ? { name: q.name } : {}), ...(q.action ? { action: q.action } : {}) };
  return { items: mergeAudit(all, f), continue: null, skipped };
}

export function registerAuditRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get<{ Querystring: AuditQueryT }>(
    '/api/v1/audit',
    {
      schema: {
        summary: 'Who did what: the histories of ReleaseOrders, ReleasePlans and FleetDeliveries the user may list, newest first',
        querystring: AuditQuery,
        response: { 200: AuditList, 400: ErrorBodySchema, 401: ErrorBodySchema },
      },
    },
    (req) => auditView(userClient(ctx, req), req.query),
  );
}
