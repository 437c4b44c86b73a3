/**
 * The OIDC sign-in routes: `GET /api/v1/session/oidc/login` sends the browser to the issuer, and the issuer sends
 * it back to `GET /api/v1/session/oidc/callback`, which sets the session cookie and redirects to `next`. A failed
 * callback redirects to `/signin?error=CODE` (the catalogue code) so the browser shows the sign-in page again.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { asPlinthError, PlinthError } from '../../../errors/index.js';
import type { ConsoleContext } from '../context.js';
import { ErrorBodySchema } from '../schemas.js';
import type { ConsoleSession } from '../session.js';
import { OIDC_CALLBACK_PATH, OIDC_LOGIN_PATH, type OidcClient } from './client.js';
import { OidcCallbackQuery, OidcLoginQuery, type OidcCallbackQueryT, type OidcLoginQueryT } from './schemas.js';

/** Pure: where a failed callback sends the browser. */
export function signinErrorUrl(code: string): string {
  return `/signin?error=${encodeURIComponent(code)}`;
}

export function registerOidcRoutes(app: FastifyInstance, ctx: ConsoleContext, startSession: (reply: FastifyReply, s: ConsoleSession) => void): void {
  const oidcOf = (): OidcClient => {
    if (!ctx.oidc) throw new PlinthError('CONSOLE_OIDC_OFF');
    return ctx.oidc;
  };
  app.get<{ Querystring: OidcLoginQueryT }>(
    OIDC_LOGIN_PATH,
    {
      config: { public: true },
      schema: { summary: 'Sign in with the OIDC issuer: redirects to it (authorization code flow, PKCE S256, state and nonce)', querystring: OidcLoginQuery, response: { 302: { type: 'null' }, 404: ErrorBodySchema } },
    },
    async (req, reply) => {
      const url = oidcOf().begin(req.query.next);
      reply.header('cache-control', 'no-store');
      await reply.redirect(url, 302);
    },
  );
  app.get<{ Querystring: OidcCallbackQueryT }>(
    OIDC_CALLBACK_PATH,
    {
      config: { public: true },
      schema: {
        summary: 'Where the OIDC issuer returns the browser: checks state, exchanges the code, verifies the ID token, sets the session cookie and redirects to `next` (or to /signin?error=CODE)',
        querystring: OidcCallbackQuery,
        response: { 302: { type: 'null' } },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      let target: string;
      try {
        const { identity, next } = await oidcOf().finish(req.query);
        startSession(reply, ctx.sessions.create(identity));
        target = next;
      } catch (err) {
        const pe = asPlinthError(err);
        req.log.warn({ code: pe.code }, pe.userLine());
        target = signinErrorUrl(pe.code);
      }
      await reply.redirect(target, 302);
    },
  );
}
