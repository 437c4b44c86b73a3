import { Type, type Static } from '@sinclair/typebox';
import { Conditions, IntOrString, StringEnum, Timestamp, Validated } from '../schema/types.js';
import type { KindDefinition, ObjectOf } from '../crd.js';
import { ClusterTarget, FleetHistoryEntry, OverrideChanges } from './common.js';
import { FLEET_CATEGORIES, FLEET_GROUP, FLEET_VERSION } from './group.js';

export const FleetOverride = Validated(
  { ...ClusterTarget, ...OverrideChanges },
  [{ rule: 'has(self.clusterSelector) || has(self.clusterNames)', message: 'an override names the clusters it applies to: set clusterSelector or clusterNames' }],
);

export const Wave = Validated(
  {
    name: Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' }),
    ...ClusterTarget,
    count: Type.Optional(IntOrString({ description: 'How many of the placed clusters not yet in an earlier wave: a number or a percent ("25%").' })),
    maxConcurrent: Type.Optional(IntOrString({ description: 'Clusters of the wave updated at once (default: all of the wave).' })),
    maxFailures: Type.Integer({ minimum: 0, default: 0, description: 'Failed (or disconnected past the deadline) clusters tolerated before onFailure acts.' }),
    soakSeconds: Type.Integer({ minimum: 0, default: 0, description: 'The wave must stay healthy this long before the next starts.' }),
    needConfirm: Type.Boolean({ default: false, description: 'Wait for `plinth fleet rollout confirm` before this wave starts.' }),
  },
  [{ rule: '[has(self.clusterSelector) || has(self.clusterNames), has(self.count)].filter(x, x).size() <= 1', message: 'a wave picks clusters by clusterSelector/clusterNames or by count, not both' }],
);

export const FleetDeliverySpec = Type.Object(
  {
    sourceRef: Type.Object({ name: Type.String({ minLength: 1, maxLength: 253 }) }),
    path: Type.String({ default: '', maxLength: 1024, description: 'Directory in the repository: plain YAML files, or a kustomization.yaml.' }),
    placement: Validated({ ...ClusterTarget }, [
      { rule: 'has(self.clusterSelector) || has(self.clusterNames)', message: 'placement needs clusterSelector or clusterNames (use clusterSelector: {} for every cluster)' },
    ]),
    targetNamespace: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: 'Namespace for namespaced objects that name none (default: default).' })),
    overrides: Type.Optional(Type.Array(FleetOverride, { maxItems: 256 })),
    rollout: Type.Optional(
      Type.Object({
        waves: Type.Optional(Type.Array(Wave, { maxItems: 32, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })),
        onFailure: StringEnum(['Pause', 'Rollback'], { default: 'Pause' }),
        disconnectedDeadlineSeconds: Type.Integer({ minimum: 0, default: 300, description: 'A cluster disconnected longer than this counts as failed.' }),
      }),
    ),
    prune: Type.Boolean({ default: true, description: 'Delete from members what a revision removed.' }),
    drift: StringEnum(['Correct', 'Report'], { default: 'Correct' }),
    suspend: Type.Boolean({ default: false }),
    paused: Type.Boolean({ default: false, description: 'Set by `plinth fleet rollout pause`; no wave advances.' }),
    confirmedWaves: Type.Array(Type.String(), { default: [], 'x-kubernetes-list-type': 'set', description: 'Waves confirmed by `plinth fleet rollout confirm`.' }),
    rollback: Type.Optional(
      Type.Object(
        { toRevision: Type.Optional(Type.String()), requestedAt: Timestamp() },
        { description: 'Set by `plinth fleet rollout rollback`: return every cluster to the previous (or the named) revision.' },
      ),
    ),
  },
);

export const WavePhase = StringEnum(['Pending', 'WaitingForConfirm', 'Progressing', 'Soaking', 'Succeeded', 'Failed', 'Paused', 'RolledBack']);

export const WaveStatus = Type.Object({
  name: Type.String(),
  phase: WavePhase,
  revision: Type.Optional(Type.String()),
  clusters: Type.Optional(Type.Integer({ minimum: 0 })),
  startedAt: Type.Optional(Timestamp()),
  healthySince: Type.Optional(Timestamp()),
  finishedAt: Type.Optional(Timestamp()),
});

export const ClusterCounts = Type.Object({
  placed: Type.Integer({ minimum: 0 }),
  applied: Type.Integer({ minimum: 0 }),
  healthy: Type.Integer({ minimum: 0 }),
  failed: Type.Integer({ minimum: 0 }),
  disconnected: Type.Integer({ minimum: 0 }),
});

export const FleetDeliveryPhase = StringEnum(['Pending', 'Progressing', 'WaitingForConfirm', 'Paused', 'Succeeded', 'Failed', 'RollingBack', 'RolledBack', 'Suspended']);

export const FleetDeliveryStatus = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  phase: Type.Optional(FleetDeliveryPhase),
  revision: Type.Optional(Type.String({ description: 'The commit being rolled out (or rolled back to).' })),
  digest: Type.Optional(Type.String()),
  previousRevision: Type.Optional(Type.String({ description: 'The commit the fleet ran before; a rollback returns to it.' })),
  previousDigest: Type.Optional(Type.String()),
  sequence: Type.Optional(Type.Integer({ minimum: 0, description: 'Grows with every new desired state; agents never apply a lower one.' })),
  waves: Type.Optional(Type.Array(WaveStatus, { maxItems: 33 })),
  clusters: Type.Optional(ClusterCounts),
  failing: Type.Optional(
    Type.Array(Type.Object({ cluster: Type.String(), message: Type.String({ maxLength: 1024 }) }), { maxItems: 10, description: 'A few failing clusters (the first 10).' }),
  ),
  history: Type.Optional(Type.Array(FleetHistoryEntry, { maxItems: 200 })),
  conditions: Type.Optional(Conditions),
  rolloutHash: Type.Optional(Type.String({ description: 'Hash of the desired state every cluster gets (digest, overrides, targetNamespace, prune, drift); a change starts a new rollout.' })),
  rolledBackFrom: Type.Optional(Type.String({ description: 'The revision the last rollback left; the source is not rolled out again while it still points at it.' })),
  rollbackHandledAt: Type.Optional(Timestamp({ description: 'The spec.rollback.requestedAt the controller has acted on.' })),
  revisions: Type.Optional(
    Type.Array(Type.Object({ revision: Type.String(), digest: Type.String() }), { maxItems: 10, description: 'Recent revisions and their artifacts, newest last (targets of `rollback --to`).' }),
  ),
});

export const FleetDeliveryKind = {
  group: FLEET_GROUP,
  version: FLEET_VERSION,
  kind: 'FleetDelivery',
  plural: 'fleetdeliveries',
  singular: 'fleetdelivery',
  shortNames: ['fd'],
  categories: FLEET_CATEGORIES,
  scope: 'Namespaced',
  description: 'Delivers one path of a GitSource to the member clusters it places, with overrides, in waves.',
  spec: FleetDeliverySpec,
  status: FleetDeliveryStatus,
  printerColumns: [
    { name: 'Source', type: 'string', jsonPath: '.spec.sourceRef.name' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Revision', type: 'string', jsonPath: '.status.revision' },
    { name: 'Placed', type: 'integer', jsonPath: '.status.clusters.placed' },
    { name: 'Healthy', type: 'integer', jsonPath: '.status.clusters.healthy' },
    { name: 'Failed', type: 'integer', jsonPath: '.status.clusters.failed' },
    { name: 'Disconnected', type: 'integer', jsonPath: '.status.clusters.disconnected', priority: 1 },
  ],
} satisfies KindDefinition<typeof FleetDeliverySpec, typeof FleetDeliveryStatus>;

export type FleetDeliverySpecT = Static<typeof FleetDeliverySpec>;
export type FleetDeliveryStatusT = Static<typeof FleetDeliveryStatus>;
export type FleetOverrideT = Static<typeof FleetOverride>;
export type WaveT = Static<typeof Wave>;
export type FleetDelivery = ObjectOf<typeof FleetDeliveryKind>;
