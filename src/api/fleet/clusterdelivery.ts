import { Type, type Static } from '@sinclair/typebox';
import { Conditions, StringEnum, Timestamp } from '../schema/types.js';
import type { KindDefinition, ObjectOf } from '../crd.js';
import { OverrideChanges } from './common.js';
import { FLEET_CATEGORIES, FLEET_GROUP, FLEET_VERSION } from './group.js';

/** The overrides that apply on this cluster, in the order the FleetDelivery lists them. */
export const ClusterOverride = Type.Object({ ...OverrideChanges });

export const ClusterDeliverySpec = Type.Object({
  delivery: Type.Object({ namespace: Type.String(), name: Type.String(), uid: Type.Optional(Type.String()) }, { description: 'The FleetDelivery this comes from.' }),
  revision: Type.String({ description: 'The commit to run.' }),
  sequence: Type.Integer({ minimum: 0, description: 'Grows with every new desired state (a rollback too); the agent never applies one lower than it applied.' }),
  artifact: Type.Object({
    digest: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }),
    url: Type.String({ description: "Where the hub serves it (GET with the agent's hub credential)." }),
  }),
  targetNamespace: Type.Optional(Type.String()),
  overrides: Type.Optional(Type.Array(ClusterOverride, { maxItems: 256 })),
  prune: Type.Boolean({ default: true }),
  drift: StringEnum(['Correct', 'Report'], { default: 'Correct' }),
  suspend: Type.Boolean({ default: false }),
});

export const ObjectFailure = Type.Object({
  kind: Type.String(),
  namespace: Type.Optional(Type.String()),
  name: Type.String(),
  message: Type.String({ maxLength: 1024 }),
});

export const ClusterDeliveryHealth = StringEnum(['Healthy', 'Progressing', 'Degraded', 'Unknown']);

export const ClusterDeliveryStatus = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  appliedRevision: Type.Optional(Type.String()),
  appliedSequence: Type.Optional(Type.Integer()),
  appliedDigest: Type.Optional(Type.String()),
  lastAppliedAt: Type.Optional(Timestamp()),
  health: Type.Optional(ClusterDeliveryHealth),
  objects: Type.Optional(Type.Integer({ minimum: 0 })),
  failures: Type.Optional(Type.Array(ObjectFailure, { maxItems: 20 })),
  drift: Type.Optional(
    Type.Object({
      detected: Type.Integer({ minimum: 0 }),
      corrected: Type.Integer({ minimum: 0 }),
      lastAt: Type.Optional(Timestamp()),
      objects: Type.Optional(Type.Array(Type.String(), { maxItems: 20, description: 'kind/namespace/name of objects drifted now (Report mode).' })),
    }),
  ),
  conditions: Type.Optional(Conditions),
});

export const ClusterDeliveryKind = {
  group: FLEET_GROUP,
  version: FLEET_VERSION,
  kind: 'ClusterDelivery',
  plural: 'clusterdeliveries',
  singular: 'clusterdelivery',
  shortNames: ['cd'],
  categories: FLEET_CATEGORIES,
  scope: 'Namespaced',
  description: "One FleetDelivery's desired state for one member, in the member's hub namespace (plinth-member-NAME); its agent applies it and writes the status.",
  spec: ClusterDeliverySpec,
  status: ClusterDeliveryStatus,
  printerColumns: [
    { name: 'Delivery', type: 'string', jsonPath: '.spec.delivery.name' },
    { name: 'Revision', type: 'string', jsonPath: '.spec.revision' },
    { name: 'Applied', type: 'string', jsonPath: '.status.appliedRevision' },
    { name: 'Health', type: 'string', jsonPath: '.status.health' },
    { name: 'Objects', type: 'integer', jsonPath: '.status.objects', priority: 1 },
    { name: 'Last-Applied', type: 'date', jsonPath: '.status.lastAppliedAt', priority: 1 },
  ],
} satisfies KindDefinition<typeof ClusterDeliverySpec, typeof ClusterDeliveryStatus>;

export type ClusterDeliverySpecT = Static<typeof ClusterDeliverySpec>;
export type ClusterDeliveryStatusT = Static<typeof ClusterDeliveryStatus>;
export type ClusterOverrideT = Static<typeof ClusterOverride>;
export type ClusterDelivery = ObjectOf<typeof ClusterDeliveryKind>;
