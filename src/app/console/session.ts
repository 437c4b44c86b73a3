/**
 * Console sessions: a server-side map from a random id (the httpOnly cookie's value) to who signed in. A
 * session holds the identity Kubernetes vouched for (user and groups), never the token it was proved with.
 * Every way of signing in (a bearer token checked by TokenReview today, OIDC later) ends in `create`.
 */
import { randomBytes } from 'node:crypto';

/** Who a session acts as: the user and groups every cluster call impersonates. */
export interface ConsoleIdentity {
  user: string;
  groups: string[];
  /** How the identity was proved: `token` (TokenReview), later `oidc`. */
  via: 'token' | 'oidc';
}

export interface ConsoleSession {
  id: string;
  identity: ConsoleIdentity;
  /** The value writes must send in the X-Plinth-CSRF header. */
  csrfToken: string;
  createdAt: number;
  /** Absolute end (ms since the epoch). */
  expiresAt: number;
  /** Last use; the session ends after `idleMs` without one. */
  lastSeenAt: number;
}

export interface SessionStoreOptions {
  /** Lifetime of a session (default 8 h). */
  ttlMs?: number;
  /** End a session unused for this long (default 30 min). */
  idleMs?: number;
  now?: () => number;
}

export const SESSION_COOKIE = 'plinth_session';
export const CSRF_HEADER = 'x-plinth-csrf';
export const DEFAULT_SESSION_TTL_MS = 8 * 3600_000;
export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;

function randomId(): string {
  return randomBytes(32).toString('base64url');
}

export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();
  readonly ttlMs: number;
  readonly idleMs: number;
  private readonly now: () => number;

  constructor(opts: SessionStoreOptions = {}) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.idleMs = opts.idleMs ?? DEFAULT_SESSION_IDLE_MS;
    this.now = opts.now ?? Date.now;
  }

  /** A new session for `identity` (random id and CSRF token). */
  create(identity: ConsoleIdentity): ConsoleSession {
    this.sweep();
    const t = this.now();
    const s: ConsoleSession = {
      id: randomId(),
      identity: { user: identity.user, groups: [...identity.groups], via: identity.via },
      csrfToken: randomId(),
      createdAt: t,
      expiresAt: t + this.ttlMs,
      lastSeenAt: t,
    };
    this.sessions.set(s.id, s);
    return s;
  }

  /** The live session with this id (and marks it used), or undefined when unknown, expired or idle too long. */
  get(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    const t = this.now();
    if (t >= s.expiresAt || t - s.lastSeenAt >= this.idleMs) {
      this.sessions.delete(id);
      return undefined;
    }
    s.lastSeenAt = t;
    return s;
  }

  /** Whether the session is still live, without counting this as a use (for long-lived streams). */
  isLive(id: string): boolean {
    const s = this.sessions.get(id);
    const t = this.now();
    return s !== undefined && t < s.expiresAt && t - s.lastSeenAt < this.idleMs;
  }

  /** Ends a session; whether it existed. */
  delete(id: string | undefined): boolean {
    return id ? this.sessions.delete(id) : false;
  }

  /** Drops ended sessions; returns how many remain. */
  sweep(): number {
    const t = this.now();
    for (const [id, s] of this.sessions) if (t >= s.expiresAt || t - s.lastSeenAt >= this.idleMs) this.sessions.delete(id);
    return this.sessions.size;
  }

  get size(): number {
    return this.sessions.size;
  }
}

/** Constant-time comparison of a CSRF header with the session's token. */
export function csrfMatches(session: ConsoleSession, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || header.length !== session.csrfToken.length) return false;
  let diff = 0;
  for (let i = 0; i < header.length; i++) diff |= header.charCodeAt(i) ^ session.csrfToken.charCodeAt(i);
  return diff === 0;
}
