import { Type } from '@sinclair/typebox';
import { LabelSelector, Timestamp } from '../schema/types.js';

/** A Kubernetes object name (DNS-1123 subdomain), e.g. a member cluster's name. */
export const ClusterName = Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' });

/** Which member clusters something applies to: a label selector over MemberClusters, and/or names. */
export const ClusterTarget = {
  clusterSelector: Type.Optional(LabelSelector),
  clusterNames: Type.Optional(Type.Array(ClusterName, { maxItems: 1000, 'x-kubernetes-list-type': 'set' })),
};

/** One decision in an append-only history, with the user who took it. */
export const FleetHistoryEntry = Type.Object({
  at: Timestamp(),
  by: Type.String({ description: 'Who decided: a user name, or system:plinth for the controller.' }),
  action: Type.String(),
  wave: Type.Optional(Type.String()),
  message: Type.Optional(Type.String({ maxLength: 1024 })),
});

/** An image override: the container of that name in every workload of the delivery runs this image. */
export const ImageOverride = Type.Object({
  container: Type.String({ minLength: 1, maxLength: 63 }),
  image: Type.String({ minLength: 1, maxLength: 512 }),
});

/** An RFC 6902 JSON patch applied to the rendered objects of one kind (and name, when given). */
export const JsonPatchOverride = Type.Object({
  target: Type.Object({
    kind: Type.String({ minLength: 1 }),
    name: Type.Optional(Type.String({ minLength: 1 })),
    namespace: Type.Optional(Type.String({ minLength: 1 })),
  }),
  patch: Type.Array(
    Type.Object({
      op: Type.Union([Type.Literal('add'), Type.Literal('remove'), Type.Literal('replace'), Type.Literal('move'), Type.Literal('copy'), Type.Literal('test')]),
      path: Type.String(),
      from: Type.Optional(Type.String()),
      value: Type.Optional(Type.Unsafe<unknown>({ 'x-kubernetes-preserve-unknown-fields': true })),
    }),
    { minItems: 1 },
  ),
});

/** What an override changes in the rendered objects (the part a ClusterDelivery carries). */
export const OverrideChanges = {
  images: Type.Optional(Type.Array(ImageOverride, { maxItems: 64 })),
  replicas: Type.Optional(Type.Integer({ minimum: 0, description: 'replicas of every Deployment, StatefulSet and CellDeployment' })),
  labels: Type.Optional(Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' } })),
  annotations: Type.Optional(Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' } })),
  patches: Type.Optional(Type.Array(JsonPatchOverride, { maxItems: 64 })),
};
