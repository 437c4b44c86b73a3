/** `POST|GET|DELETE /api/v1/session`: sign in with a Kubernetes bearer token, who am I, sign out; the public sign-in configuration and the OIDC routes. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PlinthError } from '../../errors/index.js';
import type { ConsoleContext } from './context.js';
import { sessionOf } from './context.js';
import { ErrorBodySchema, LinkQuery, SessionCreateBody, SessionView, type SessionCreateBodyT } from './schemas.js';
import { SESSION_COOKIE, type ConsoleSession } from './session.js';
import { reviewToken } from './token-login.js';
import { OIDC_LOGIN_PATH } from './oidc/client.js';
import { registerOidcRoutes } from './oidc/routes.js';
import { SessionConfigView, type SessionConfigViewT } from './oidc/schemas.js';

function view(s: ConsoleSession): { user: string; groups: string[]; csrfToken: string; expiresAt: string } {
  return { user: s.identity.user, groups: s.identity.groups, csrfToken: s.csrfToken, expiresAt: new Date(s.expiresAt).toISOString() };
}

/** Sets the session cookie: httpOnly, SameSite=Strict, for the whole site, until the session's end. */
export function setSessionCookie(ctx: ConsoleContext, reply: FastifyReply, s: ConsoleSession): void {
  reply.setCookie(SESSION_COOKIE, s.id, { httpOnly: true, sameSite: 'strict', secure: ctx.secureCookie, path: '/', expires: new Date(s.expiresAt) });
}

/** Pure: what the sign-in page needs to know (public). */
export function sessionConfig(ctx: Pick<ConsoleContext, 'oidc'>): SessionConfigViewT {
  return { oidc: ctx.oidc ? { enabled: true, issuer: ctx.oidc.issuer, loginUrl: OIDC_LOGIN_PATH } : { enabled: false }, tokenLogin: true };
}

export function registerSessionRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get(
    '/api/v1/session/config',
    { config: { public: true }, schema: { summary: 'How to sign in (public): whether OIDC is on, its issuer and login URL; token sign-in', response: { 200: SessionConfigView } } },
    () => Promise.resolve(sessionConfig(ctx)),
  );
  registerOidcRoutes(app, ctx, (reply, s) => setSessionCookie(ctx, reply, s));
  app.post<{ Body: SessionCreateBodyT }>(
    '/api/v1/session',
    {
      config: { public: true },
      schema: { summary: 'Sign in with a Kubernetes bearer token (checked by TokenReview); sets the session cookie', body: SessionCreateBody, response: { 200: SessionView, 401: ErrorBodySchema } },
    },
    async (req, reply) => {
      const identity = await reviewToken(ctx.client, req.body.token);
      const s = ctx.sessions.create(identity);
      setSessionCookie(ctx, reply, s);
      return view(s);
    },
  );
  app.get<{ Querystring: { code: string } }>(
    '/api/v1/session/link',
    {
      config: { public: true },
      schema: { summary: 'Redeem a one-time sign-in link (printed by `plinth console`): sets the session cookie and redirects to /', querystring: LinkQuery, response: { 303: { type: 'null' }, 401: ErrorBodySchema } },
    },
    async (req, reply) => {
      const identity = ctx.links.redeem(req.query.code);
      if (!identity) throw new PlinthError('CONSOLE_SIGNIN_REFUSED', { detail: 'the sign-in link is unknown, already used or expired' });
      setSessionCookie(ctx, reply, ctx.sessions.create(identity));
      await reply.redirect('/', 303);
    },
  );
  app.get('/api/v1/session', { schema: { summary: 'Who the session is: user, groups, the CSRF token for writes, the expiry', response: { 200: SessionView, 401: ErrorBodySchema } } }, (req) =>
    Promise.resolve(view(sessionOf(req))),
  );
  app.delete('/api/v1/session', { schema: { summary: 'Sign out (needs X-Plinth-CSRF)', response: { 204: { type: 'null' }, 401: ErrorBodySchema, 403: ErrorBodySchema } } }, async (req, reply) => {
    ctx.sessions.delete(sessionOf(req).id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    await reply.code(204).send();
  });
}
