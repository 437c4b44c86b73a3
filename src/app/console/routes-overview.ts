/**
 * `GET /api/v1/overview`: the hub (Kubernetes version, nodes by zone and arch) and the fleet's member clusters,
 * every read made as the signed-in user. A part the user may not read is reported in its own error field
 * (`nodesError`, `membersError`), never as a failure of the whole overview.
 */
import type { V1Node } from '@kubernetes/client-node';
import type { FastifyInstance } from 'fastify';
import type { MemberCluster } from '../../api/index.js';
import { RES as FLEET_RES } from '../../fleet/delivery/keys.js';
import { isKubeApiError, isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { listPages } from '../../kube/pager.js';
import { CORE } from '../../kube/resource.js';
import { userClient, type ConsoleContext } from './context.js';
import { errorReply } from './errors.js';
import { OverviewSchema } from './fleet-schemas.js';
import { memberItem, nodeCounts, type MemberItem, type NodeCounts } from './fleet-views.js';
import { ErrorBodySchema } from './schemas.js';

export interface Overview {
  hub: { name: 'hub'; kubernetesVersion: string | null; nodes: NodeCounts; nodesError?: { code: string; message: string } };
  members: MemberItem[];
  fleetEnabled: boolean;
  membersError?: { code: string; message: string };
}

/** The API server refused or answered with an error (not a transport failure): part of the answer, not a 5xx. */
function partError(err: unknown): { code: string; message: string } {
  const { body } = errorReply(err);
  return { code: body.code, message: body.message };
}

async function listAll<T>(client: KubeClient, r: Parameters<typeof listPages>[1]): Promise<T[]> {
  const out: T[] = [];
  for await (const page of listPages<T>(client, r, { limit: 500 })) out.push(...page.items);
  return out;
}

/** The overview as `client` (the user) sees it. */
export async function overview(client: KubeClient): Promise<Overview> {
  const [version, nodes, members] = await Promise.all([
    client.request<{ gitVersion?: string }>({ method: 'GET', path: '/version', target: 'version' }).then(
      (v) => v.gitVersion ?? null,
      () => null,
    ),
    listAll<V1Node>(client, CORE.nodes).then(
      (items) => ({ items }),
      (err: unknown) => {
        if (!isKubeApiError(err)) throw err;
        return { error: partError(err) };
      },
    ),
    listAll<MemberCluster>(client, FLEET_RES.memberClusters).then(
      (items) => ({ items, enabled: true }),
      (err: unknown) => {
        if (!isKubeApiError(err)) throw err;
        // No CRD: no fleet here (not an error). Anything else the user is told about.
        return isNotFound(err) ? { enabled: false } : { enabled: false, error: partError(err) };
      },
    ),
  ]);
  const out: Overview = {
    hub: { name: 'hub', kubernetesVersion: version, nodes: 'items' in nodes ? nodeCounts(nodes.items) : nodeCounts([]) },
    members: 'items' in members && members.items ? members.items.map(memberItem).sort((a, b) => a.name.localeCompare(b.name)) : [],
    fleetEnabled: members.enabled,
  };
  if ('error' in nodes) out.hub.nodesError = nodes.error;
  if ('error' in members && members.error) out.membersError = members.error;
  return out;
}

export function registerOverviewRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get(
    '/api/v1/overview',
    { schema: { summary: "The hub's version and nodes, and the fleet's member clusters, as the user may read them", response: { 200: OverviewSchema, 401: ErrorBodySchema } } },
    (req) => overview(userClient(ctx, req)),
  );
}
