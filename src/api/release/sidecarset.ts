import { Type, type Static } from '@sinclair/typebox';
import { Conditions, LabelSelector, StringEnum } from '../schema/types.js';
import type { KindDefinition, ObjectOf } from '../crd.js';
import { IMAGE_REFERENCE_PATTERN } from './image-pattern.js';
import { RELEASE_CATEGORIES, RELEASE_GROUP, RELEASE_VERSION } from './group.js';

/** Ordinary container specs: name and image typed, the rest kept as given (Kubernetes validates it in the pod). */
const SidecarContainers = Type.Unsafe<{ name: string; image: string; [k: string]: unknown }[]>({
  type: 'array',
  minItems: 1,
  maxItems: 16,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['name'],
  items: {
    type: 'object',
    required: ['name', 'image'],
    'x-kubernetes-preserve-unknown-fields': true,
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
      image: {
        type: 'string',
        pattern: IMAGE_REFERENCE_PATTERN,
        description: 'A container image reference: [registry[:port]/]lower-case/path[:tag][@digest].',
      },
    },
  },
});

/** Pod volumes the sidecars need: name typed, the source kept as given. */
const SidecarVolumes = Type.Unsafe<{ name: string; [k: string]: unknown }[]>({
  type: 'array',
  maxItems: 32,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['name'],
  items: {
    type: 'object',
    required: ['name'],
    'x-kubernetes-preserve-unknown-fields': true,
    properties: { name: { type: 'string', minLength: 1, maxLength: 63 } },
  },
});

export const SidecarSetSpec = Type.Object({
  selector: Type.Object(LabelSelector.properties, { description: 'The pods (by label) that get the sidecars when they are created.' }),
  namespaceSelector: Type.Optional(
    Type.Object(LabelSelector.properties, { description: 'The namespaces (by label) whose pods may match; default all but kube-system and plinth-system.' }),
  ),
  containers: SidecarContainers,
  volumes: Type.Optional(SidecarVolumes),
  updateStrategy: Type.Optional(
    Type.Object({
      batchSize: Type.Integer({ minimum: 1, default: 1, description: 'Pods whose sidecar is updated in place at a time.' }),
      paused: Type.Boolean({ default: false, description: 'Start no more pods; set by the controller when a ReleasePolicy check fails.' }),
      drainSeconds: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: 3600,
          description: 'Seconds a pod stays out of traffic (no EndpointSlice listing it ready or serving) before its sidecars change (default 3).',
        }),
      ),
    }),
  ),
  launchOrder: StringEnum(['BeforeApp', 'None'] as const, {
    default: 'BeforeApp',
    description:
      'BeforeApp: the sidecars start (and are ready) before the application containers — native sidecars (init containers with ' +
      'restartPolicy Always) on Kubernetes >= 1.29, first containers with a postStart wait before. None: appended after the application.',
  }),
});

export const SidecarSetStatus = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  matched: Type.Optional(Type.Integer({ minimum: 0, description: 'Pods carrying this set’s sidecars.' })),
  updated: Type.Optional(Type.Integer({ minimum: 0, description: 'Of those, pods whose sidecars match the current spec.' })),
  ready: Type.Optional(Type.Integer({ minimum: 0, description: 'Of those, pods that are Ready.' })),
  conditions: Type.Optional(Conditions),
});

export const SidecarSetKind = {
  group: RELEASE_GROUP,
  version: RELEASE_VERSION,
  kind: 'SidecarSet',
  plural: 'sidecarsets',
  singular: 'sidecarset',
  shortNames: ['sidecar'],
  categories: RELEASE_CATEGORIES,
  scope: 'Cluster',
  description: 'Sidecar containers (and volumes) injected into matching pods when they are created, managed apart from the application.',
  spec: SidecarSetSpec,
  status: SidecarSetStatus,
  printerColumns: [
    { name: 'Matched', type: 'integer', jsonPath: '.status.matched' },
    { name: 'Updated', type: 'integer', jsonPath: '.status.updated' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.ready' },
    { name: 'Valid', type: 'string', jsonPath: ".status.conditions[?(@.type=='Valid')].status" },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
} satisfies KindDefinition<typeof SidecarSetSpec, typeof SidecarSetStatus>;

export type SidecarSetSpecT = Static<typeof SidecarSetSpec>;
export type SidecarSet = ObjectOf<typeof SidecarSetKind>;
