/**
 * The console's HTTP server (fastify): the versioned JSON API under /api/v1, sessions in httpOnly cookies,
 * CSRF checks on writes, every input validated by its schema, errors as {code, message, hint}.
 */
import cookie from '@fastify/cookie';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { PlinthError } from '../../errors/index.js';
import type { KubeClient } from '../../kube/http.js';
import { AccessCache } from './access.js';
import { LinkCodes } from './admin-link.js';
import type { OidcClient } from './oidc/client.js';
import type { ConsoleContext } from './context.js';
import { sessionOf } from './context.js';
import { errorReply } from './errors.js';
import { EventHub } from './events.js';
import { openApiDocument, routeDocs, type RouteDoc } from './openapi.js';
import { registerAuditRoutes } from './routes-audit.js';
import { registerFleetRoutes } from './routes-fleet.js';
import { registerNamespaceRoutes } from './routes-namespaces.js';
import { registerOverviewRoutes } from './routes-overview.js';
import { registerReleaseRoutes } from './routes-releases.js';
import { registerSessionRoutes } from './routes-session.js';
import { registerLocalRoutes } from './routes-local.js';
import { registerUpgradeRoutes } from './routes-upgrade.js';
import { hasWebUi, registerWebUi } from './static.js';
import { EventsQuery, type EventsQueryT } from './schemas.js';
import { csrfMatches, CSRF_HEADER, SESSION_COOKIE, SessionStore } from './session.js';

export interface ConsoleOptions {
  /** The console's own client: TokenReview, SubjectAccessReview, informers, and (impersonating) user calls. */
  client: KubeClient;
  sessions?: SessionStore;
  links?: LinkCodes;
  /** Set the Secure flag on the session cookie (behind TLS). */
  secureCookie?: boolean;
  /** Run the informers of the live events (default true). */
  events?: boolean;
  /** Log each request (default false). */
  logRequests?: boolean;
  https?: { cert: string; key: string };
  /** OIDC sign-in (started with `OidcClient.start`); absent: token sign-in only. */
  oidc?: OidcClient;
  /** Serve the built web UI from this directory when it holds index.html (static.ts). */
  webDir?: string;
  /** The key of `POST /api/v1/local/admin-link` (routes-local.ts); the route exists only with one. */
  localKey?: string;
  /** Switch work directories the upgrade screen shows (`--switch-dir`). */
  switchDirs?: readonly string[];
}

export interface ConsoleServer {
  app: FastifyInstance;
  sessions: SessionStore;
  links: LinkCodes;
  events: EventHub | undefined;
  /** Turns OIDC sign-in on (when the redirect URL is known only after listening). */
  useOidc(oidc: OidcClient): void;
  close(): Promise<void>;
}

/** A 400 naming the field of the failed validation, e.g. `querystring.limit`. */
function validationError(err: FastifyError): PlinthError {
  const v = err.validation?.[0];
  const params = (v?.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
  const path = (v?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const field = [err.validationContext ?? 'input', path, params.missingProperty ?? params.additionalProperty].filter((x) => x && x !== '').join('.');
  const detail = params.additionalProperty ? `unknown field "${params.additionalProperty}"` : (v?.message ?? err.message);
  return new PlinthError('INVALID_ARGUMENT', { what: field, detail, fix: `fix ${field} (see /api/v1/openapi.json)` });
}

/** Builds the server (not listening); `events` informers are started and synced. */
export async function buildConsole(opts: ConsoleOptions): Promise<ConsoleServer> {
  const sessions = opts.sessions ?? new SessionStore();
  const links = opts.links ?? new LinkCodes();
  const ctx: ConsoleContext = { client: opts.client, sessions, links, secureCookie: opts.secureCookie ?? opts.https !== undefined, ...(opts.oidc ? { oidc: opts.oidc } : {}) };
  const app = Fastify({
    logger: opts.logRequests ?? false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    ...(opts.https ? { https: opts.https } : {}),
  }) as unknown as FastifyInstance;
  // Response schemas document the API (OpenAPI); bodies are written as they are.
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));
  const routes: RouteDoc[] = [];
  app.addHook('onRoute', (r) => {
    routes.push(...routeDocs(r));
  });
  await app.register(cookie);

  app.addHook('onRequest', (req, _reply, done) => {
    if (req.routeOptions.config.public === true || req.routeOptions.url === undefined) {
      done();
      return;
    }
    const s = sessions.get(req.cookies[SESSION_COOKIE]);
    if (!s) {
      done(new PlinthError('CONSOLE_NOT_SIGNED_IN', { detail: req.cookies[SESSION_COOKIE] ? 'the session ended (expired, idle too long, or signed out)' : 'no session cookie' }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && !csrfMatches(s, req.headers[CSRF_HEADER])) {
      done(new PlinthError('CONSOLE_CSRF'));
      return;
    }
    req.consoleSession = s;
    done();
  });
  app.setErrorHandler(async (err: FastifyError, _req, reply) => {
    const { status, body } = errorReply(err.validation ? validationError(err) : err.statusCode === 400 && !(err instanceof PlinthError) ? new PlinthError('INVALID_ARGUMENT', { what: 'request', detail: err.message, fix: 'send valid JSON' }) : err);
    await reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler(async (req, reply) => {
    const { status, body } = errorReply(new PlinthError('CONSOLE_NO_ROUTE', { method: req.method, url: req.url.split('?')[0] ?? '' }));
    await reply.code(status).send(body);
  });

  const access = new AccessCache(opts.client);
  const events = opts.events === false ? undefined : new EventHub(opts.client, access);
  app.get('/healthz', { config: { public: true }, schema: { summary: 'Liveness: 200 ok' } }, () => Promise.resolve({ ok: true }));
  registerSessionRoutes(app, ctx);
  registerReleaseRoutes(app, ctx);
  registerNamespaceRoutes(app, ctx, access);
  registerOverviewRoutes(app, ctx);
  registerFleetRoutes(app, ctx, events ? (ns, name) => events.clusterDeliveriesOf(ns, name) : undefined);
  registerAuditRoutes(app, ctx);
  registerUpgradeRoutes(app, ctx, { switchDirs: opts.switchDirs ?? [] });
  if (opts.localKey) registerLocalRoutes(app, ctx, opts.localKey);
  app.get<{ Querystring: EventsQueryT }>(
    '/api/v1/events',
    { schema: { summary: 'Server-Sent Events (event: change) of ReleaseOrders, CellDeployments, FleetDeliveries, ClusterDeliveries, MemberClusters (and Pods with ?namespace=) the user may list', querystring: EventsQuery } },
    async (req, reply) => {
      if (!events) throw new PlinthError('CONSOLE_NO_ROUTE', { method: 'GET', url: '/api/v1/events (live events are off)' });
      reply.hijack();
      const s = sessionOf(req);
      events.subscribe(s.identity, () => sessions.isLive(s.id), req.query.namespace, reply.raw);
      return Promise.resolve();
    },
  );
  if (opts.webDir !== undefined && hasWebUi(opts.webDir)) await registerWebUi(app, opts.webDir);
  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { summary: 'This document' } }, () => Promise.resolve(openApiDocument(routes)));
  await app.ready();
  if (events) await events.start();
  return {
    app,
    sessions,
    links,
    events,
    useOidc: (oidc) => {
      ctx.oidc = oidc;
    },
    close: async () => {
      await events?.stop();
      await app.close();
    },
  };
}
