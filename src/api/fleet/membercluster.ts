import { Type, type Static } from '@sinclair/typebox';
import { Conditions, StringMap, Timestamp } from '../schema/types.js';
import type { KindDefinition, ObjectOf } from '../crd.js';
import { FLEET_CATEGORIES, FLEET_GROUP, FLEET_VERSION } from './group.js';

export const MemberClusterSpec = Type.Object({
  accepted: Type.Boolean({
    default: false,
    description: 'Hub-side approval of the join (double opt-in): the member asked, the hub accepts. Until then its agent has no access.',
  }),
  provider: Type.Optional(Type.String({ description: 'The provider that created the cluster (`local`), when Plinth created it; recycle deletes it through the same.' })),
});

export const NodeCount = Type.Object({
  zone: Type.Optional(Type.String()),
  arch: Type.Optional(Type.String()),
  count: Type.Integer({ minimum: 0 }),
  ready: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const MemberClusterStatus = Type.Object({
  kubernetesVersion: Type.Optional(Type.String()),
  agentVersion: Type.Optional(Type.String()),
  nodes: Type.Optional(Type.Array(NodeCount, { maxItems: 256, description: 'Nodes counted by zone and architecture.' })),
  nodeCount: Type.Optional(Type.Integer({ minimum: 0 })),
  lastHeartbeat: Type.Optional(Timestamp({ description: "The renew time of the agent's Lease in the member's hub namespace." })),
  namespace: Type.Optional(Type.String({ description: 'The member\'s namespace on the hub (plinth-member-NAME).' })),
  conditions: Type.Optional(Conditions),
  requestedLabels: Type.Optional(StringMap({ description: 'Labels the member asked for when it joined.' })),
});

export const MemberClusterKind = {
  group: FLEET_GROUP,
  version: FLEET_VERSION,
  kind: 'MemberCluster',
  plural: 'memberclusters',
  singular: 'membercluster',
  shortNames: ['mc'],
  categories: FLEET_CATEGORIES,
  scope: 'Cluster',
  description:
    'A member cluster of the fleet. Labels carry tier (hub|province|edge), region and arch; its agent dials out to the hub and reports here.',
  spec: MemberClusterSpec,
  status: MemberClusterStatus,
  printerColumns: [
    { name: 'Accepted', type: 'boolean', jsonPath: '.spec.accepted' },
    { name: 'Joined', type: 'string', jsonPath: ".status.conditions[?(@.type=='Joined')].status" },
    { name: 'Connected', type: 'string', jsonPath: ".status.conditions[?(@.type=='Connected')].status" },
    { name: 'Ready', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
    { name: 'Version', type: 'string', jsonPath: '.status.kubernetesVersion' },
    { name: 'Nodes', type: 'integer', jsonPath: '.status.nodeCount' },
    { name: 'Tier', type: 'string', jsonPath: '.metadata.labels.tier' },
    { name: 'Heartbeat', type: 'date', jsonPath: '.status.lastHeartbeat', priority: 1 },
  ],
} satisfies KindDefinition<typeof MemberClusterSpec, typeof MemberClusterStatus>;

export type MemberClusterSpecT = Static<typeof MemberClusterSpec>;
export type MemberClusterStatusT = Static<typeof MemberClusterStatus>;
export type MemberCluster = ObjectOf<typeof MemberClusterKind>;
