import { Type, type Static } from '@sinclair/typebox';
import { Conditions, LabelSelector, StringEnum, Timestamp, Validated } from '../schema/types.js';
import type { KindDefinition, ObjectOf } from '../crd.js';
import { IMAGE_REFERENCE_PATTERN } from './image-pattern.js';
import { RELEASE_CATEGORIES, RELEASE_GROUP, RELEASE_VERSION } from './group.js';

/** At most this many failing nodes are named in status (the counts cover the rest). */
export const PREWARM_MAX_NAMED_NODES = 20;

export const ImagePrewarmSpec = Validated(
  {
    images: Type.Array(
      Type.String({ pattern: IMAGE_REFERENCE_PATTERN, description: 'A container image reference: [registry[:port]/]lower-case/path[:tag][@digest].' }),
      {
        minItems: 1,
        maxItems: 32,
        'x-kubernetes-list-type': 'set',
        description: 'The images to pull onto every selected node (at least one).',
      },
    ),
    nodeSelector: Type.Optional(
      Type.Object(LabelSelector.properties, { description: 'The nodes (by label) to pull onto; all nodes when empty or absent.' }),
    ),
    parallelism: Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Pull pods running at once (>= 1).' }),
    timeoutSeconds: Type.Integer({
      minimum: 1,
      maximum: 86400,
      default: 600,
      description: 'A pull not done this long after its pod was created counts as failed.',
    }),
    pullSecrets: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 16, description: 'Secrets (in this namespace) the kubelet uses to pull.' }),
    ),
    ttlSecondsAfterFinished: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Delete the ImagePrewarm (and its pull pods) this long after it Succeeded or Failed.' }),
    ),
  },
  [
    { rule: 'size(self.images) > 0', message: 'spec.images is empty; list at least one image to pull', fieldPath: '.images' },
    {
      rule: '!has(self.parallelism) || self.parallelism >= 1',
      message: 'spec.parallelism must be at least 1 (pull pods at once); set it to 1 or more, or leave it out for 10',
      fieldPath: '.parallelism',
    },
  ],
);

export const ImagePrewarmPhase = StringEnum(['Pending', 'Running', 'Succeeded', 'Failed'] as const);

export const ImagePrewarmNode = Type.Object({
  name: Type.String(),
  /** The images that failed on this node and why, e.g. `registry.local/web:2: ErrImagePull (...)`. */
  failed: Type.Array(Type.String(), { maxItems: 32 }),
  message: Type.Optional(Type.String()),
});

export const ImagePrewarmStatus = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  phase: Type.Optional(ImagePrewarmPhase),
  /** (node, image) pulls: desired = selected nodes × images; pulled counts the nodes that already had an image too. */
  desired: Type.Optional(Type.Integer({ minimum: 0 })),
  pulled: Type.Optional(Type.Integer({ minimum: 0 })),
  failed: Type.Optional(Type.Integer({ minimum: 0 })),
  running: Type.Optional(Type.Integer({ minimum: 0 })),
  nodes: Type.Optional(
    Type.Array(ImagePrewarmNode, {
      maxItems: PREWARM_MAX_NAMED_NODES,
      description: `Only nodes with a failed pull, at most ${PREWARM_MAX_NAMED_NODES} (by name); the counts cover every node.`,
    }),
  ),
  startTime: Type.Optional(Timestamp()),
  completionTime: Type.Optional(Timestamp()),
  conditions: Type.Optional(Conditions),
});

export const ImagePrewarmKind = {
  group: RELEASE_GROUP,
  version: RELEASE_VERSION,
  kind: 'ImagePrewarm',
  plural: 'imageprewarms',
  singular: 'imageprewarm',
  shortNames: ['prewarm'],
  categories: RELEASE_CATEGORIES,
  scope: 'Namespaced',
  description: 'Images pulled onto the selected nodes ahead of need, by short pull pods the kubelet runs (parallelism, timeout, per-node status).',
  spec: ImagePrewarmSpec,
  status: ImagePrewarmStatus,
  printerColumns: [
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Desired', type: 'integer', jsonPath: '.status.desired' },
    { name: 'Pulled', type: 'integer', jsonPath: '.status.pulled' },
    { name: 'Failed', type: 'integer', jsonPath: '.status.failed' },
    { name: 'Running', type: 'integer', jsonPath: '.status.running' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
} satisfies KindDefinition<typeof ImagePrewarmSpec, typeof ImagePrewarmStatus>;

export type ImagePrewarmSpecT = Static<typeof ImagePrewarmSpec>;
export type ImagePrewarmStatusT = Static<typeof ImagePrewarmStatus>;
export type ImagePrewarm = ObjectOf<typeof ImagePrewarmKind>;
