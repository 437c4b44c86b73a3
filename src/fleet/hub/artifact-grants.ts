// The fleet server's memory of who may download which artifact, so a revision costs the hub one
// SubjectAccessReview per member at most, not one per download.
//
// Why this is safe: an artifact digest names immutable bytes, so a grant never goes stale because the
// artifact changed. What can change is whether the caller may still read the ClusterDelivery naming it.
// A grant is therefore keyed by the caller's identity, the digest AND the exact ClusterDelivery that
// allowed it: its uid (a delivery deleted and made again, as after `plinth fleet leave` and a new join, is
// another object) and its generation (every new desired state — a new delivery, a rollback — bumps it).
// So: a member that left loses its ClusterDeliveries (its namespace goes), the index no longer names
// them, and no grant matches; a new delivery is checked again with a fresh SubjectAccessReview; and a
// permission revoked behind an unchanged ClusterDelivery (RBAC edited by hand) holds at most
// GRANT_MAX_AGE_MS. Refusals are not kept here (the Reviews cache keeps them ~10 s), so a member accepted
// a moment ago is not refused for long.
import { TtlCache } from './ttl-cache.js';
import type { Caller } from './identity.js';
import type { DeliveryRef } from './delivery-index.js';

/** The longest a grant outlives a permission revoked behind an unchanged ClusterDelivery. */
export const GRANT_MAX_AGE_MS = 10 * 60_000;
const MAX_GRANTS = 8192;

export class ArtifactGrants {
  private readonly grants: TtlCache<string, true>;

  constructor(opts: { maxAgeMs?: number; now?: () => number } = {}) {
    this.grants = new TtlCache(opts.maxAgeMs ?? GRANT_MAX_AGE_MS, MAX_GRANTS, opts.now);
  }

  /** The delivery (of those naming `digest`) through which `caller` was granted `digest`, if any is still valid. */
  granted(caller: Caller, digest: string, candidates: readonly DeliveryRef[]): DeliveryRef | undefined {
    return candidates.find((d) => this.grants.get(grantKey(caller, digest, d)) === true);
  }

  /** Remember that `caller` may get `digest` through delivery `d` (a SubjectAccessReview said yes). */
  grant(caller: Caller, digest: string, d: DeliveryRef): void {
    this.grants.set(grantKey(caller, digest, d), true);
  }

  get size(): number {
    return this.grants.size;
  }
}

/** Identity (user, groups, uid, extra) + digest + the delivery's namespace, name, uid and generation. */
export function grantKey(caller: Caller, digest: string, d: DeliveryRef): string {
  const m = d.metadata;
  return JSON.stringify([caller.user, [...caller.groups].sort(), caller.uid ?? '', caller.extra ?? {}, digest, m.namespace, m.name, m.uid ?? '', m.generation ?? m.resourceVersion ?? '']);
}
