/** The TypeBox schemas of the console's overview, fleet and audit routes (validation and the OpenAPI document). */
import { Type, type Static, type TNull, type TSchema, type TUnion } from '@sinclair/typebox';
import { Namespace, ObjectName } from './schemas.js';

const Nullable = <T extends TSchema>(t: T): TUnion<[T, TNull]> => Type.Union([t, Type.Null()]);
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Items per page (the API server pages).' }));
const Continue = Type.Optional(Type.String({ minLength: 1, maxLength: 8192, description: 'The continue token of the previous page.' }));
const ContinueOut = Nullable(Type.String({ description: 'Pass as `continue` for the next page; null on the last page.' }));
const Counts = Type.Record(Type.String(), Type.Integer());

export const NodeCountsSchema = Type.Object({ total: Type.Integer(), ready: Type.Integer(), byZone: Counts, byArch: Counts });
const ErrorRef = Type.Object({ code: Type.String(), message: Type.String() });

export const OverviewSchema = Type.Object({
  hub: Type.Object({
    name: Type.String(),
    kubernetesVersion: Nullable(Type.String()),
    nodes: NodeCountsSchema,
    nodesError: Type.Optional(ErrorRef),
  }),
  members: Type.Array(
    Type.Object({
      name: Type.String(),
      tier: Nullable(Type.String()),
      region: Nullable(Type.String()),
      arch: Nullable(Type.String()),
      accepted: Type.Boolean(),
      joined: Type.Boolean(),
      connected: Type.Boolean(),
      ready: Type.Boolean(),
      kubernetesVersion: Nullable(Type.String()),
      agentVersion: Nullable(Type.String()),
      lastHeartbeat: Nullable(Type.String()),
      nodes: NodeCountsSchema,
    }),
  ),
  fleetEnabled: Type.Boolean({ description: 'false when the fleet CRDs are absent or the user may not list MemberClusters.' }),
  membersError: Type.Optional(ErrorRef),
});

export const FleetListQuery = Type.Object({ namespace: Type.Optional(Namespace), limit: Limit, continue: Continue }, { additionalProperties: false });
export type FleetListQueryT = Static<typeof FleetListQuery>;

export const SourceList = Type.Object({
  items: Type.Array(
    Type.Object({
      namespace: Type.String(),
      name: Type.String(),
      url: Type.String(),
      ref: Type.String(),
      refKind: Nullable(Type.String()),
      commit: Nullable(Type.String()),
      fetchedAt: Nullable(Type.String()),
      ready: Type.Boolean(),
      message: Nullable(Type.String()),
    }),
  ),
  continue: ContinueOut,
});

export const DeliveryItemSchema = Type.Object({
  namespace: Type.String(),
  name: Type.String(),
  source: Type.String(),
  path: Type.String(),
  revision: Nullable(Type.String()),
  phase: Type.String(),
  waves: Type.Array(Type.Object({ name: Type.String(), phase: Type.String(), revision: Nullable(Type.String()) })),
  clusters: Type.Object({ placed: Type.Integer(), applied: Type.Integer(), healthy: Type.Integer(), failed: Type.Integer(), disconnected: Type.Integer() }),
  paused: Type.Boolean(),
  waitingWave: Nullable(Type.String()),
});

export const DeliveryList = Type.Object({ items: Type.Array(DeliveryItemSchema), continue: ContinueOut });

export const DeliveryParams = Type.Object({ ns: Namespace, name: ObjectName }, { additionalProperties: false });
export type DeliveryParamsT = Static<typeof DeliveryParams>;

export const DeliveryDetailSchema = Type.Object({
  delivery: DeliveryItemSchema,
  clusters: Type.Array(
    Type.Object({
      cluster: Type.String(),
      wave: Nullable(Type.String()),
      desiredRevision: Type.String(),
      appliedRevision: Nullable(Type.String()),
      phase: Type.String(),
      healthy: Type.Boolean(),
      drift: Type.Object({ detected: Type.Integer(), corrected: Type.Integer() }),
      failures: Type.Array(Type.Object({ object: Type.String(), message: Type.String() })),
      lastAppliedAt: Nullable(Type.String()),
    }),
  ),
  hiddenClusters: Type.Integer({ description: 'ClusterDeliveries of this delivery the user may not read (left out of clusters).' }),
  history: Type.Array(Type.Object({ at: Type.String(), by: Type.String(), action: Type.String(), wave: Type.Optional(Type.String()), message: Type.Optional(Type.String()) })),
});

export const FleetActionParams = Type.Object(
  { ns: Namespace, name: ObjectName, action: Type.Union([Type.Literal('confirm'), Type.Literal('pause'), Type.Literal('resume'), Type.Literal('rollback')]) },
  { additionalProperties: false },
);
export type FleetActionParamsT = Static<typeof FleetActionParams>;

export const FleetActionBody = Type.Object(
  { to: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9a-f]{7,64}$', description: 'rollback only: the revision (commit) to return to.' })) },
  { additionalProperties: false },
);
export type FleetActionBodyT = Static<typeof FleetActionBody>;

export const FleetActionResultSchema = Type.Object({}, { additionalProperties: true, description: 'As `plinth fleet rollout ACTION -o json` prints it (kind FleetRolloutAction).' });

export const AuditQuery = Type.Object(
  {
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    kind: Type.Optional(Type.Union([Type.Literal('ReleaseOrder'), Type.Literal('ReleasePlan'), Type.Literal('FleetDelivery'), Type.Literal('NodeRun')])),
    namespace: Type.Optional(Namespace),
    name: Type.Optional(ObjectName),
    action: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    limit: Limit,
  },
  { additionalProperties: false },
);
export type AuditQueryT = Static<typeof AuditQuery>;

export const AuditList = Type.Object({
  items: Type.Array(
    Type.Object({
      at: Type.String(),
      by: Type.String(),
      action: Type.String(),
      kind: Type.String(),
      namespace: Type.String(),
      name: Type.String(),
      cluster: Type.String(),
      message: Nullable(Type.String()),
      detail: Nullable(Type.String()),
    }),
  ),
  continue: Type.Null({ description: 'Always null: the merged list is cut at limit, newest first.' }),
  skipped: Type.Array(Type.Object({ kind: Type.String(), message: Type.String() }), { description: 'Kinds left out: the user may not list them, their CRD is absent, or they record no user (NodeRun).' }),
});
