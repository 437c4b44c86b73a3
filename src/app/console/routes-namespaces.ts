/**
 * `GET /api/v1/namespaces`: the namespaces the user may list releases in, for a namespace picker when the user
 * may not list across all namespaces. The console lists namespaces with its own client and asks the API server,
 * per namespace, whether the user may list CellDeployments there (SubjectAccessReview, cached).
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { RELEASE_GROUP } from '../../api/index.js';
import { listPages } from '../../kube/pager.js';
import { forEachLimit } from '../../kube/pool.js';
import { CORE, type KubeObject } from '../../kube/resource.js';
import type { AccessCache } from './access.js';
import { sessionOf, type ConsoleContext } from './context.js';
import { ErrorBodySchema } from './schemas.js';

const NamespaceList = Type.Object({ items: Type.Array(Type.Object({ name: Type.String() })) });

export function registerNamespaceRoutes(app: FastifyInstance, ctx: ConsoleContext, access: AccessCache): void {
  app.get(
    '/api/v1/namespaces',
    { schema: { summary: 'The namespaces the user may list releases in (SubjectAccessReview per namespace)', response: { 200: NamespaceList, 401: ErrorBodySchema } } },
    async (req) => {
      const id = sessionOf(req).identity;
      const names: string[] = [];
      for await (const page of listPages<KubeObject>(ctx.client, CORE.namespaces, { limit: 500 })) names.push(...page.items.map((n) => n.metadata?.name ?? ''));
      const allowed = new Set<string>();
      await forEachLimit(names, 16, async (ns) => {
        if (await access.allowed(id, { verb: 'list', group: RELEASE_GROUP, resource: 'celldeployments', namespace: ns })) allowed.add(ns);
      });
      return { items: names.filter((n) => allowed.has(n)).sort().map((name) => ({ name })) };
    },
  );
}
