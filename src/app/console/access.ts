/**
 * What a user may list, asked of the API server (SubjectAccessReview by the console's own client), cached
 * for a short time per user, groups, namespace and resource. The live events are filtered with it.
 */
import type { KubeClient } from '../../kube/http.js';
import { ref } from '../../kube/resource.js';
import type { ConsoleIdentity } from './session.js';

const SUBJECT_ACCESS_REVIEWS = ref('authorization.k8s.io/v1', 'subjectaccessreviews');

export interface AccessQuestion {
  verb: string;
  group: string;
  resource: string;
  namespace: string;
}

interface Review {
  status?: { allowed?: boolean };
}

export class AccessCache {
  private readonly cache = new Map<string, { at: number; allowed: Promise<boolean> }>();

  constructor(
    private readonly client: Pick<KubeClient, 'create'>,
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the identity may do it (a failed review counts as no, and is not cached). */
  allowed(id: Pick<ConsoleIdentity, 'user' | 'groups'>, q: AccessQuestion): Promise<boolean> {
    const key = JSON.stringify([id.user, [...id.groups].sort(), q.verb, q.group, q.resource, q.namespace]);
    const t = this.now();
    const hit = this.cache.get(key);
    if (hit && t - hit.at < this.ttlMs) return hit.allowed;
    if (this.cache.size > 10_000) this.cache.clear();
    const allowed = this.client
      .create<Review>(SUBJECT_ACCESS_REVIEWS, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { user: id.user, groups: id.groups, resourceAttributes: { verb: q.verb, group: q.group, resource: q.resource, namespace: q.namespace } },
      })
      .then((r) => r?.status?.allowed === true)
      .catch(() => {
        this.cache.delete(key);
        return false;
      });
    this.cache.set(key, { at: t, allowed });
    return allowed;
  }
}
