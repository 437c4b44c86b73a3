/**
 * `GET /api/v1/audit`: who did what, merged from the histories the signed-in user may list (ReleaseOrder,
 * ReleasePlan and FleetDelivery `status.history`), newest first. A kind the user may not list (or whose CRD is
 * absent) is skipped and named in `skipped`. Node runs' decisions come from their state ConfigMaps in
 * `namespace` (default plinth-system, the CLI's --state-namespace).
 */
import type { FastifyInstance } from 'fastify';
import { RES as FLEET_RES } from '../../fleet/delivery/keys.js';
import { KubeApiError } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { listPages } from '../../kube/pager.js';
import { CORE, inNamespace, type ResourceRef } from '../../kube/resource.js';
import { RES } from '../../release/keys.js';
import { RELEASE_PLANS } from '../../release/releaseplan/act.js';
import type { Decision } from '../../upgrade/nodes/state.js';
import { decisionsOf, RUN_LABEL } from '../../upgrade/nodes/store.js';
import { auditItems, AUDIT_KINDS, mergeAudit, nodeRunAuditItems, type AuditItem, type AuditKind, type HistoryOwner } from './audit.js';
import { userClient, type ConsoleContext } from './context.js';
import { errorReply } from './errors.js';
import { AuditList, AuditQuery, type AuditQueryT } from './fleet-schemas.js';
import { DEFAULT_STATE_NAMESPACE } from './routes-upgrade.js';
import { ErrorBodySchema } from './schemas.js';

const RESOURCES: Record<AuditKind, ResourceRef> = {
  ReleaseOrder: RES.releaseOrders,
  ReleasePlan: RELEASE_PLANS,
  FleetDelivery: FLEET_RES.fleetDeliveries,
};

/** The node runs in `namespace` with their recorded decisions (their main ConfigMaps: the ones holding run.json). */
async function nodeRunDecisions(client: KubeClient, namespace: string, name: string | undefined): Promise<AuditItem[]> {
  const runs: Array<{ name: string; decisions: Decision[] }> = [];
  for await (const page of listPages<{ metadata?: { name?: string }; data?: Record<string, string> }>(client, inNamespace(CORE.configMaps, namespace), { limit: 500, labelSelector: RUN_LABEL })) {
    for (const cm of page.items) {
      const run = cm.data?.['run.json'];
      if (run === undefined) continue;
      let runName = cm.metadata?.name ?? '';
      try {
        runName = (JSON.parse(run) as { name?: string }).name ?? runName;
      } catch {
        // an unreadable run.json still has its decisions under the ConfigMap's name
      }
      if (name === undefined || name === runName) runs.push({ name: runName, decisions: decisionsOf(cm.data) });
    }
  }
  return nodeRunAuditItems(namespace, runs);
}

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
  if (q.kind === undefined || q.kind === 'NodeRun') {
    try {
      all.push(...(await nodeRunDecisions(client, q.namespace ?? DEFAULT_STATE_NAMESPACE, q.name)));
    } catch (err) {
      if (!(err instanceof KubeApiError)) throw err;
      skipped.push({ kind: 'NodeRun', message: errorReply(err).body.message });
    }
  }
  skipped.sort((a, b) => a.kind.localeCompare(b.kind));
  const f = { limit: q.limit ?? 100, ...(q.user ? { user: q.user } : {}), ...(q.kind ? { kind: q.kind } : {}), ...(q.namespace ? { namespace: q.namespace } : {}), ...(q.name ? { name: q.name } : {}), ...(q.action ? { action: q.action } : {}) };
  return { items: mergeAudit(all, f), continue: null, skipped };
}

export function registerAuditRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get<{ Querystring: AuditQueryT }>(
    '/api/v1/audit',
    {
      schema: {
        summary: 'Who did what: the histories of ReleaseOrders, ReleasePlans and FleetDeliveries and the decisions of node runs the user may list, newest first',
        querystring: AuditQuery,
        response: { 200: AuditList, 400: ErrorBodySchema, 401: ErrorBodySchema },
      },
    },
    (req) => auditView(userClient(ctx, req), req.query),
  );
}
