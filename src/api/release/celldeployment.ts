import { Type, type Static } from '@sinclair/typebox';
import { Conditions, StringEnum, IntOrString, LabelMap, LabelSelector, MapList, OpaqueObject, StringMap, Validated } from '../schema/types.js';
import type { KindDefinition, ObjectOf } from '../crd.js';
import { IMAGE_REFERENCE_PATTERN } from './image-pattern.js';
import { RELEASE_CATEGORIES, RELEASE_GROUP, RELEASE_VERSION } from './group.js';

const MAX_UNITS = 64;

/** Containers of the pod spec: only the image is typed, so a bad reference is refused when the object is written. */
const Containers = Type.Unsafe<unknown[]>({
  type: 'array',
  items: {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    properties: {
      image: {
        type: 'string',
        pattern: IMAGE_REFERENCE_PATTERN,
        description: 'A container image reference: [registry[:port]/]lower-case/path[:tag][@digest], e.g. registry.local/web:2.',
      },
    },
  },
});

/**
 * A pod template: labels and annotations are typed (rules read them); of the pod spec only the containers'
 * images (a release must never start with an image no registry can serve); the rest is validated by
 * Kubernetes when pods are created.
 */
export const PodTemplate = Type.Object({
  metadata: Type.Optional(
    Type.Object({
      labels: Type.Optional(LabelMap()),
      annotations: Type.Optional(StringMap()),
    }),
  ),
  spec: OpaqueObject({
    description: 'A core/v1 PodSpec.',
    properties: { containers: Containers, initContainers: Containers },
  }),
});

export const Topology = Validated(
  {
    unitKey: Type.String({
      minLength: 1,
      maxLength: 316,
      default: 'topology.kubernetes.io/zone',
      description: 'Node label whose values are the deployment units (cells, zones, racks).',
    }),
    units: Type.Array(Type.String({ minLength: 1, maxLength: 63 }), {
      minItems: 1,
      maxItems: MAX_UNITS,
      'x-kubernetes-list-type': 'set',
      description: 'Pods are placed only in these units, spread evenly.',
    }),
    unitReplicas: Type.Optional(
      Type.Unsafe<Record<string, number>>({
        type: 'object',
        maxProperties: MAX_UNITS,
        additionalProperties: { type: 'integer', minimum: 0, maximum: 100000 },
        description: 'Fixed replica counts for some units; the rest spread evenly over the other units.',
      }),
    ),
  },
  [
    {
      rule: '!has(self.unitReplicas) || self.unitReplicas.all(u, u in self.units)',
      message: 'topology.unitReplicas names a unit that is not listed in topology.units; add it to units or remove it',
    },
  ],
);

export const BlueGreen = Type.Object({
  activeService: Type.String({ minLength: 1, maxLength: 63, description: 'Service switched to the new revision.' }),
  previewService: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
  scaleDownDelaySeconds: Type.Integer({ minimum: 0, default: 30 }),
});

/** Which pods a release updates first (OpenKruise CloneSet's priorityStrategy, in one field). */
export const Priority = Type.Object(
  {
    weights: Type.Optional(
      Type.Array(
        Type.Object({
          selector: LabelSelector,
          weight: Type.Integer({ minimum: -1000, maximum: 1000, description: 'Added to the priority of every pod the selector matches.' }),
        }),
        { maxItems: 16 },
      ),
    ),
    orderKey: Type.Optional(
      Type.String({ minLength: 1, maxLength: 316, description: 'A pod label whose value orders pods of equal priority: whole numbers numerically, else as text; pods without it last.' }),
    ),
    orderDirection: Type.Optional(StringEnum(['Ascending', 'Descending'], { default: 'Ascending' })),
  },
  {
    description:
      'Pods of higher priority (the sum of the matching weights) are updated first, within and across batches, e.g. followers (weight 0) before the leader (weight -100), non-critical cells first.',
  },
);

/** Pull the new images onto the nodes of a batch before it starts (an owned ImagePrewarm per batch). */
export const Prewarm = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    parallelism: Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Pull pods at once per batch.' }),
    timeoutSeconds: Type.Integer({
      minimum: 1,
      maximum: 3600,
      default: 120,
      description: 'A batch waits at most this long for its pre-warm; a failed or late pre-warm is an event and a check result, not a stuck release.',
    }),
  },
  { description: 'Pre-warm the new images on the nodes of the beta batch before it starts and of each next batch while the current one runs.' },
);

export const Strategy = Validated(
  {
    type: Type.Union([Type.Literal('InPlaceIfPossible'), Type.Literal('Recreate'), Type.Literal('BlueGreen')], {
      default: 'InPlaceIfPossible',
    }),
    beta: Type.Boolean({ default: false, description: 'The first batch updates exactly one pod in every unit.' }),
    batchSize: IntOrString({
      default: 1,
      description: 'Pods per batch after the beta batch: a number (>= 1) or a percent of replicas ("25%").',
      // Checked by every version (1.24 does not enforce CEL); the API server's answer names the value given.
      minimum: 1,
      pattern: '^([1-9][0-9]?|100)%$',
      'x-kubernetes-validations': [
        {
          rule: "type(self) == int ? self >= 1 : self.matches('^([1-9][0-9]?|100)%$')",
          message: 'batchSize must be a whole number >= 1 or a percent from 1% to 100%',
          // The API server shows an int-or-string value as "" in "Invalid value": say the value given (1.27+; older servers use message).
          messageExpression:
            "'batchSize must be a whole number >= 1 or a percent from 1% to 100% (e.g. 2 or \"25%\"), not ' + (type(self) == int ? string(self) : '\"' + string(self) + '\"')",
        },
      ],
    }),
    needConfirm: Type.Boolean({ default: false, description: 'Wait for confirmation after every batch.' }),
    pauseSeconds: Type.Integer({ minimum: 0, default: 0, description: 'Without needConfirm: wait this long between batches.' }),
    drainSeconds: Type.Integer({ minimum: 0, default: 3, description: 'Time a pod stays out of traffic before it is changed.' }),
    progressDeadlineSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: 300,
        description: 'A running batch that makes no progress for this long marks its ReleaseOrder (and the CellDeployment) Stalled, with a Warning Event.',
      }),
    ),
    blueGreen: Type.Optional(BlueGreen),
    priority: Type.Optional(Priority),
    prewarm: Type.Optional(Prewarm),
  },
  [
    {
      rule: "!has(self.type) || self.type != 'BlueGreen' || has(self.blueGreen)",
      message: 'strategy.type BlueGreen needs strategy.blueGreen.activeService',
    },
  ],
);

export const CellDeploymentSpec = Validated(
  {
    replicas: Type.Integer({ minimum: 0, maximum: 100000 }),
    selector: LabelSelector,
    template: PodTemplate,
    topology: Topology,
    strategy: Type.Optional({ ...Strategy, default: {} }),
    paused: Type.Boolean({ default: false }),
    revisionHistoryLimit: Type.Integer({ minimum: 0, default: 10 }),
  },
  [
    {
      rule:
        '!has(self.selector.matchLabels) || (has(self.template.metadata) && has(self.template.metadata.labels) && ' +
        'self.selector.matchLabels.all(k, k in self.template.metadata.labels && self.template.metadata.labels[k] == self.selector.matchLabels[k]))',
      message: 'selector.matchLabels does not match template.metadata.labels; every selector label must be set on the template',
      fieldPath: '.selector',
    },
    {
      rule: '!has(self.topology.unitReplicas) || self.topology.unitReplicas.map(u, self.topology.unitReplicas[u]).sum() <= self.replicas',
      message: 'topology.unitReplicas add up to more than replicas; lower them or raise replicas',
      fieldPath: '.topology.unitReplicas',
    },
  ],
);

export const UnitStatus = Type.Object({
  name: Type.String(),
  replicas: Type.Integer(),
  readyReplicas: Type.Integer(),
  updatedReplicas: Type.Integer(),
});

export const CellDeploymentPhase = StringEnum(['Progressing', 'WaitingForConfirm', 'Paused', 'Blocked', 'Completed', 'RollingBack', 'Failed']);

export const CellDeploymentStatus = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  replicas: Type.Optional(Type.Integer()),
  readyReplicas: Type.Optional(Type.Integer()),
  updatedReplicas: Type.Optional(Type.Integer()),
  currentRevision: Type.Optional(Type.String()),
  updateRevision: Type.Optional(Type.String()),
  units: Type.Optional(MapList(UnitStatus, 'name')),
  phase: Type.Optional(CellDeploymentPhase),
  releaseOrder: Type.Optional(Type.String()),
  selector: Type.Optional(Type.String({ description: 'spec.selector as a label selector string (the scale subresource reads it, e.g. for a HorizontalPodAutoscaler).' })),
  conditions: Type.Optional(Conditions),
});

export const CellDeploymentKind = {
  group: RELEASE_GROUP,
  version: RELEASE_VERSION,
  kind: 'CellDeployment',
  plural: 'celldeployments',
  singular: 'celldeployment',
  shortNames: ['cd', 'celldeploy'],
  categories: RELEASE_CATEGORIES,
  scope: 'Namespaced',
  description: 'A workload released losslessly across topology units (cells, zones) in a beta batch and confirmed batches.',
  spec: CellDeploymentSpec,
  status: CellDeploymentStatus,
  scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
  printerColumns: [
    { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas' },
    { name: 'Ready', type: 'integer', jsonPath: '.status.readyReplicas' },
    { name: 'Updated', type: 'integer', jsonPath: '.status.updatedReplicas' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Release', type: 'string', jsonPath: '.status.releaseOrder' },
    { name: 'Strategy', type: 'string', jsonPath: '.spec.strategy.type', priority: 1 },
    { name: 'Revision', type: 'string', jsonPath: '.status.updateRevision', priority: 1 },
  ],
} satisfies KindDefinition<typeof CellDeploymentSpec, typeof CellDeploymentStatus>;

export type CellDeploymentSpecT = Static<typeof CellDeploymentSpec>;
export type CellDeploymentStatusT = Static<typeof CellDeploymentStatus>;
export type CellDeployment = ObjectOf<typeof CellDeploymentKind>;
