/** What every console route works with: the console's own client, the sessions, and the user of a request. */
import { KubeConfig } from '@kubernetes/client-node';
import type { FastifyRequest } from 'fastify';
import type {} from '@fastify/cookie';
import { PlinthError } from '../../errors/index.js';
import type { Session } from '../../kube/client.js';
import type { KubeClient } from '../../kube/http.js';
import { asUser } from './impersonate.js';
import type { LinkCodes } from './admin-link.js';
import type { OidcClient } from './oidc/client.js';
import type { ConsoleSession, SessionStore } from './session.js';

export interface ConsoleContext {
  /** The console's own client (TokenReview, SubjectAccessReview, informers); user calls go through `userClient`. */
  client: KubeClient;
  sessions: SessionStore;
  /** One-time sign-in codes (the local admin's link). */
  links: LinkCodes;
  /** Set the Secure flag on the session cookie (when served over TLS). */
  secureCookie: boolean;
  /** OIDC sign-in, when configured (`--oidc-issuer`). */
  oidc?: OidcClient;
}

declare module 'fastify' {
  interface FastifySchema {
    /** One line for the OpenAPI document. */
    summary?: string;
  }
  interface FastifyRequest {
    consoleSession?: ConsoleSession;
  }
  interface FastifyContextConfig {
    /** The route needs no session (sign-in, health, OpenAPI). */
    public?: boolean;
  }
}

/** The session the auth hook found (routes that are not public always have one). */
export function sessionOf(req: FastifyRequest): ConsoleSession {
  const s = req.consoleSession;
  if (!s) throw new PlinthError('CONSOLE_NOT_SIGNED_IN', { detail: 'no session' });
  return s;
}

/** A client acting as the request's user (impersonation). */
export function userClient(ctx: ConsoleContext, req: FastifyRequest): KubeClient {
  return asUser(ctx.client, sessionOf(req).identity);
}

/**
 * The CLI-shaped Session the release/steer functions take, acting as the request's user in `namespace`. Its
 * kubeconfig names only the impersonated user, so that the identity fallback of clusters without
 * SelfSubjectReview (before 1.28) records the user too, never the console.
 */
export function steerSession(ctx: ConsoleContext, req: FastifyRequest, namespace: string): Session {
  const user = sessionOf(req).identity.user;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'cluster', server: ctx.client.server, skipTLSVerify: false }],
    users: [{ name: user, impersonateUser: user }],
    contexts: [{ name: 'user', cluster: 'cluster', user: user }],
    currentContext: 'user',
  });
  return { kc, client: userClient(ctx, req), kubeconfigPath: '', namespace, defaultNamespace: namespace, close: () => undefined };
}
