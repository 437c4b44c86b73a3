import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArtifactGrants } from './artifact-grants.js';
import { authorizeArtifact } from './artifacts.js';
import type { DeliveryIndex, DeliveryRef } from './delivery-index.js';
import type { Caller } from './identity.js';
import type { Permission, Reviews } from './reviews.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const m1: Caller = { user: 'plinth:member:m1', groups: ['plinth:members', 'system:authenticated'], via: 'client-certificate' };
const cd = (generation: number, uid = 'u1'): DeliveryRef => ({
  apiVersion: 'fleet.plinth.dev/v1alpha1',
  kind: 'ClusterDelivery',
  metadata: { name: 'apps.web', namespace: 'plinth-member-m1', uid, generation, resourceVersion: String(100 + generation) },
  spec: { artifact: { digest: DIGEST } },
});

/** The hub as the route sees it: the ClusterDeliveries naming the digest, and a SubjectAccessReview that counts its calls. */
function fakeHub(): { route: { index: DeliveryIndex; reviews: Reviews; grants: ArtifactGrants }; set: (d: DeliveryRef[]) => void; allow: (yes: boolean) => void; now: { t: number }; sars: Permission[] } {
  let deliveries: DeliveryRef[] = [];
  let allowed = true;
  const sars: Permission[] = [];
  const now = { t: 1_000_000 };
  const index = { informer: { hasSynced: () => true }, naming: (d: string) => deliveries.filter((x) => x.spec.artifact?.digest === d) } as unknown as DeliveryIndex;
  const reviews = {
    allowed: (_c: Caller, p: Permission) => {
      sars.push(p);
      return Promise.resolve(allowed);
    },
  } as unknown as Reviews;
  return {
    route: { index, reviews, grants: new ArtifactGrants({ now: () => now.t }) },
    set: (d) => (deliveries = d),
    allow: (yes) => (allowed = yes),
    now,
    sars,
  };
}

test('one SubjectAccessReview per (identity, digest, delivery generation): downloads again cost none', async () => {
  const h = fakeHub();
  h.set([cd(1)]);
  for (let i = 0; i < 5; i++) assert.deepEqual(await authorizeArtifact(h.route, m1, DIGEST), { allowed: true, by: 'plinth-member-m1/apps.web' });
  assert.equal(h.sars.length, 1);
  // Another identity (another member, same digest) is reviewed on its own.
  const m2: Caller = { ...m1, user: 'plinth:member:m2' };
  h.allow(false);
  assert.equal((await authorizeArtifact(h.route, m2, DIGEST)).allowed, false);
  assert.equal(h.sars.length, 2);
});

test('revocation: a new delivery (generation) is checked again and a revoked member is refused', async () => {
  const h = fakeHub();
  h.set([cd(1)]);
  assert.equal((await authorizeArtifact(h.route, m1, DIGEST)).allowed, true);
  // The member's permission is revoked and the hub writes a new desired state (same digest, generation 2).
  h.allow(false);
  h.set([cd(2)]);
  assert.equal((await authorizeArtifact(h.route, m1, DIGEST)).allowed, false);
  assert.equal(h.sars.length, 2);
  // A refusal is not kept as a grant: allowed again, the next download passes.
  h.allow(true);
  assert.equal((await authorizeArtifact(h.route, m1, DIGEST)).allowed, true);
});

test('revocation: a member that left (its ClusterDelivery gone) is refused without a review; a new join is another object', async () => {
  const h = fakeHub();
  h.set([cd(1, 'u1')]);
  assert.equal((await authorizeArtifact(h.route, m1, DIGEST)).allowed, true);
  h.set([]);
  assert.equal((await authorizeArtifact(h.route, m1, DIGEST)).allowed, false);
  assert.equal(h.sars.length, 1, 'no delivery names the digest: nothing to review');
  // Re-joined: a ClusterDelivery with the same name and generation 1 but another uid is reviewed again.
  h.allow(false);
  h.set([cd(1, 'u2')]);
  assert.equal((await authorizeArtifact(h.route, m1, DIGEST)).allowed, false);
  assert.equal(h.sars.length, 2);
});

test('revocation behind an unchanged delivery: a grant holds at most GRANT_MAX_AGE_MS', async () => {
  const h = fakeHub();
  h.set([cd(1)]);
  assert.equal((await authorizeArtifact(h.route, m1, DIGEST)).allowed, true);
  h.allow(false);
  h.now.t += 60_000;
  assert.equal((await authorizeArtifact(h.route, m1, DIGEST)).allowed, true, 'still within the grant');
  h.now.t += 10 * 60_000;
  assert.equal((await authorizeArtifact(h.route, m1, DIGEST)).allowed, false);
  assert.equal(h.sars.length, 2);
});
