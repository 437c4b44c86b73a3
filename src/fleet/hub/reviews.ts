// Delegated authentication and authorization, as an aggregated API server does them: a bearer token
// is checked with a TokenReview, a permission with a SubjectAccessReview; both answers are cached
// for a few seconds (positive and negative), so a fleet of agents costs the API server little.
import { createHash } from 'node:crypto';
import type { KubeClient } from '../../kube/http.js';
import { ref } from '../../kube/resource.js';
import type { Caller } from './identity.js';
import { TtlCache, cachedLookup } from './ttl-cache.js';

const TOKEN_REVIEWS = ref('authentication.k8s.io/v1', 'tokenreviews');
const ACCESS_REVIEWS = ref('authorization.k8s.io/v1', 'subjectaccessreviews');

/** How long an answer is reused (the API server's delegated authenticator uses 10 s). */
export const REVIEW_CACHE_TTL_MS = 10_000;
const MAX_CACHED = 4096;

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  error?: string;
}

/** What a TokenReview decided: the caller, or why the token was refused. */
export type TokenVerdict = { caller: Caller } | { refused: string };

/** A resource permission to check (always in the caller's name). */
export interface Permission {
  verb: string;
  group: string;
  resource: string;
  namespace: string;
  name?: string;
}

export class Reviews {
  private readonly tokens: TtlCache<string, Promise<TokenVerdict>>;
  private readonly access: TtlCache<string, Promise<boolean>>;

  constructor(
    private readonly client: KubeClient,
    opts: { ttlMs?: number; now?: () => number } = {},
  ) {
    this.tokens = new TtlCache(opts.ttlMs ?? REVIEW_CACHE_TTL_MS, MAX_CACHED, opts.now);
    this.access = new TtlCache(opts.ttlMs ?? REVIEW_CACHE_TTL_MS, MAX_CACHED, opts.now);
  }

  /** Who a bearer token belongs to, as the API server's authenticators say (a TokenReview). Throws when the API server cannot answer. */
  token(token: string, signal?: AbortSignal): Promise<TokenVerdict> {
    // The cache is keyed by the token's hash: no token is kept in memory longer than the request.
    const key = createHash('sha256').update(token).digest('hex');
    return cachedLookup(this.tokens, key, async () => {
      const review = await this.client.create<{ status?: TokenReviewStatus }>(TOKEN_REVIEWS, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }, signal ? { signal } : {});
      const s = review.status ?? {};
      const user = s.user?.username;
      if (!s.authenticated || !user) return { refused: s.error ? `the API server refused the token: ${s.error}` : 'the API server refused the token' };
      return { caller: { user, groups: s.user?.groups ?? [], ...(s.user?.uid ? { uid: s.user.uid } : {}), ...(s.user?.extra ? { extra: s.user.extra } : {}), via: 'token' } };
    });
  }

  /** Whether the caller may do `p` (a SubjectAccessReview with its user, groups, uid and extra). Throws when the API server cannot answer. */
  allowed(caller: Caller, p: Permission, signal?: AbortSignal): Promise<boolean> {
    const key = JSON.stringify([caller.user, caller.groups, caller.uid ?? '', caller.extra ?? {}, p.verb, p.group, p.resource, p.namespace, p.name ?? '']);
    return cachedLookup(this.access, key, async () => {
      const review = await this.client.create<{ status?: { allowed?: boolean } }>(
        ACCESS_REVIEWS,
        {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: caller.user,
            groups: caller.groups,
            ...(caller.uid ? { uid: caller.uid } : {}),
            ...(caller.extra ? { extra: caller.extra } : {}),
            resourceAttributes: { verb: p.verb, group: p.group, resource: p.resource, namespace: p.namespace, ...(p.name ? { name: p.name } : {}) },
          },
        },
        signal ? { signal } : {},
      );
      return review.status?.allowed === true;
    });
  }
}
