import { createHash } from 'node:crypto';
import type { ClusterDeliverySpecT, ClusterOverrideT, FleetDeliverySpecT } from '../../api/index.js';
import { artifactPath } from '../names.js';
import type { DeliveryView } from './types.js';

/** The desired content of one ClusterDelivery, apart from its sequence. */
export type DesiredContent = Omit<ClusterDeliverySpecT, 'sequence'>;

/** The artifact URL of a digest on the hub's fleet server (`artifactURL` of the hub-info ConfigMap + the path). */
export function artifactUrl(base: string, digest: string): string {
  return base.replace(/\/+$/, '') + artifactPath(digest);
}

/** Pure: what one cluster should run: the revision and artifact, its overrides, and the delivery's options. */
export function desiredContent(d: DeliveryView, target: { revision: string; digest: string }, overrides: readonly ClusterOverrideT[], baseUrl: string): DesiredContent {
  const c: DesiredContent = {
    delivery: { namespace: d.namespace, name: d.name, ...(d.uid ? { uid: d.uid } : {}) },
    revision: target.revision,
    artifact: { digest: target.digest, url: artifactUrl(baseUrl, target.digest) },
    prune: d.spec.prune ?? true,
    drift: d.spec.drift ?? 'Correct',
    suspend: d.spec.suspend ?? false,
  };
  if (d.spec.targetNamespace !== undefined) c.targetNamespace = d.spec.targetNamespace;
  if (overrides.length > 0) c.overrides = [...overrides];
  return c;
}

/**
 * A canonical JSON text: object keys sorted at every depth. The API server returns objects with its own key order
 * (Go's, sorted), so a comparison by plain JSON.stringify would see a change on every read.
 */
export function canon(v: unknown): string {
  return JSON.stringify(v ?? null, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

/**
 * Whether an existing ClusterDelivery already carries the desired state (what the agent applies: revision,
 * digest, overrides, targetNamespace, prune, drift). The URL, suspend and the delivery's uid are not part of
 * it: they change in place without a new sequence (see {@link syncFieldsDiffer}).
 */
export function sameDesiredState(spec: ClusterDeliverySpecT, want: DesiredContent): boolean {
  return (
    spec.revision === want.revision &&
    spec.artifact.digest === want.artifact.digest &&
    canon(spec.overrides ?? []) === canon(want.overrides ?? []) &&
    (spec.targetNamespace ?? '') === (want.targetNamespace ?? '') &&
    (spec.prune ?? true) === want.prune &&
    (spec.drift ?? 'Correct') === want.drift
  );
}

/** Whether the fields that change in place (artifact URL, suspend, the delivery's uid) differ. */
export function syncFieldsDiffer(spec: ClusterDeliverySpecT, want: DesiredContent): boolean {
  return spec.artifact.url !== want.artifact.url || (spec.suspend ?? false) !== want.suspend || (spec.delivery.uid ?? '') !== (want.delivery.uid ?? '');
}

/**
 * The hash of the delivery-wide desired state: artifact digest, overrides, targetNamespace, prune, drift.
 * A change of it starts a new rollout (a new sequence, waves from the first).
 */
export function rolloutHash(spec: FleetDeliverySpecT, digest: string): string {
  const body = canon({ digest, overrides: spec.overrides ?? [], targetNamespace: spec.targetNamespace ?? '', prune: spec.prune ?? true, drift: spec.drift ?? 'Correct' });
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}
