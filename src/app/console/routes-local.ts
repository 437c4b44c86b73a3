/**
 * `POST /api/v1/local/admin-link`: a fresh one-time sign-in link for the local admin, for `plinth up` and
 * `plinth status` of the console they started. It needs the key `plinth up` wrote (mode 0600) into the local
 * cluster's state directory, beside the cluster's admin kubeconfig: whoever can read that key can read the
 * kubeconfig anyway. Registered only when the console was started with such a key (`--local-key-file`).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { PlinthError } from '../../errors/index.js';
import { localAdminIdentity } from './admin-link.js';
import type { ConsoleContext } from './context.js';
import { ErrorBodySchema } from './schemas.js';

export const LOCAL_KEY_HEADER = 'x-plinth-local-key';

/** Pure: the header equals the key (constant time; an empty key never matches). */
export function localKeyMatches(key: string, header: string | string[] | undefined): boolean {
  if (key === '' || typeof header !== 'string') return false;
  const a = Buffer.from(key);
  const b = Buffer.from(header);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerLocalRoutes(app: FastifyInstance, ctx: ConsoleContext, key: string): void {
  app.post(
    '/api/v1/local/admin-link',
    {
      config: { public: true },
      schema: {
        summary: "A one-time sign-in link for the local admin (needs the X-Plinth-Local-Key that `plinth up` keeps in the cluster's state directory)",
        response: { 200: Type.Object({ path: Type.String({ description: 'Append to the console URL; works once, within 10 minutes.' }), user: Type.String() }), 401: ErrorBodySchema },
      },
    },
    async (req) => {
      if (!localKeyMatches(key, req.headers[LOCAL_KEY_HEADER])) throw new PlinthError('CONSOLE_SIGNIN_REFUSED', { detail: 'wrong or missing X-Plinth-Local-Key' });
      const identity = await localAdminIdentity(ctx.client);
      return { path: `/api/v1/session/link?code=${ctx.links.issue(identity)}`, user: identity.user };
    },
  );
}
