import { Type, type Static } from '@sinclair/typebox';
import { Conditions, StringEnum, Timestamp, Validated } from '../schema/types.js';
import type { KindDefinition, ObjectOf } from '../crd.js';
import { IMAGE_REFERENCE_PATTERN } from './image-pattern.js';
import { RELEASE_CATEGORIES, RELEASE_GROUP, RELEASE_VERSION } from './group.js';

/** Bounds that keep the CEL rules over apps within the API server's cost budget. */
const MAX_APPS = 50;
const MAX_DEPS = 50;

export const ContainerImage = Type.Object({
  container: Type.String({ minLength: 1, maxLength: 63, description: 'The container of the pod template (by name).' }),
  image: Type.String({ minLength: 1, maxLength: 512, pattern: IMAGE_REFERENCE_PATTERN, description: 'The image it moves to.' }),
});

export const PlanApp = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 63, description: 'The CellDeployment or Deployment, in the plan\'s namespace.' }),
  kind: StringEnum(['CellDeployment', 'Deployment'], { default: 'CellDeployment' }),
  images: Type.Array(ContainerImage, { minItems: 1, maxItems: 16, description: 'The images this plan sets; containers not listed keep theirs.' }),
  dependsOn: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 63 }), {
      maxItems: MAX_DEPS,
      description: 'Apps of this plan that must complete before this one starts.',
    }),
  ),
});

export const ReleasePlanSpec = Validated(
  {
    apps: Type.Array(PlanApp, { minItems: 1, maxItems: MAX_APPS }),
    needConfirm: Type.Boolean({ default: false, description: 'Wait for confirmation (spec.confirmedStages) before every stage after the first.' }),
    beta: Type.Boolean({
      default: false,
      description: 'One beta across all: every CellDeployment first releases only its beta batch; stage 1 waits for confirmation.',
    }),
    confirmedStages: Type.Integer({ minimum: 0, default: 0, description: 'Raising it to k confirms stage k (0-based, as status.stages[].index).' }),
    paused: Type.Boolean({ default: false }),
    rollback: Type.Boolean({ default: false, description: 'Stop and undo every started app, in reverse dependency order.' }),
  },
  [
    { rule: 'self.apps.all(a, self.apps.exists_one(b, b.name == a.name))', message: 'spec.apps lists an app name twice; every app name must be unique', fieldPath: '.apps' },
    {
      rule: 'self.apps.all(a, !has(a.dependsOn) || a.dependsOn.all(d, self.apps.exists(b, b.name == d)))',
      message: 'an app dependsOn a name that is not in spec.apps; add that app to the plan or remove it from dependsOn',
      fieldPath: '.apps',
    },
    { rule: 'self.apps == oldSelf.apps', message: 'spec.apps is immutable once created; create a new ReleasePlan instead' },
    { rule: 'self.confirmedStages >= oldSelf.confirmedStages', message: 'confirmedStages can only grow; a confirmation cannot be withdrawn' },
    { rule: '!oldSelf.rollback || self.rollback', message: 'a rollback cannot be cancelled once requested' },
  ],
);

export const PlanStagePhase = StringEnum(['Pending', 'WaitingForConfirm', 'Running', 'Succeeded', 'Failed', 'RolledBack']);

export const PlanStage = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  beta: Type.Optional(Type.Boolean({ description: 'The beta stage: the beta batch of every CellDeployment of the plan.' })),
  apps: Type.Array(Type.String()),
  phase: PlanStagePhase,
  startedAt: Type.Optional(Timestamp()),
  finishedAt: Type.Optional(Timestamp()),
});

export const PlanAppPhase = StringEnum(['Pending', 'Starting', 'Progressing', 'BetaDone', 'Completed', 'Failed', 'RollingBack', 'RolledBack']);

export const PlanAppStatus = Type.Object({
  name: Type.String(),
  kind: Type.String(),
  phase: PlanAppPhase,
  fromImages: Type.Optional(Type.Array(ContainerImage, { description: 'The images before the plan changed them (what a rollback restores).' })),
  releaseOrder: Type.Optional(Type.String({ description: 'CellDeployment: the ReleaseOrder of its release (or of its rollback).' })),
  strategyBefore: Type.Optional(
    Type.Object(
      { beta: Type.Boolean(), needConfirm: Type.Boolean() },
      { description: 'Beta plans: the CellDeployment\'s strategy.beta and needConfirm before the beta stage set them; restored once the app is done.' },
    ),
  ),
  pausedByPlan: Type.Optional(Type.Boolean({ description: 'The plan paused this app\'s release (and resumes it when the plan is resumed).' })),
  message: Type.Optional(Type.String()),
});

export const PlanHistoryEntry = Type.Object({
  at: Timestamp(),
  by: Type.String({ description: 'Who decided: a user name, or system:plinth for the controller.' }),
  action: Type.String(),
  stage: Type.Optional(Type.Integer()),
  app: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});

export const ReleasePlanPhase = StringEnum(['Pending', 'Invalid', 'Progressing', 'WaitingForConfirm', 'Paused', 'Completed', 'RollingBack', 'RolledBack']);

export const ReleasePlanStatus = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  phase: Type.Optional(ReleasePlanPhase),
  currentStage: Type.Optional(Type.Integer()),
  stage: Type.Optional(Type.String({ description: 'The current stage for people, counted from 1 of all stages, e.g. "2/3".' })),
  stages: Type.Optional(Type.Array(PlanStage)),
  apps: Type.Optional(Type.Array(PlanAppStatus)),
  history: Type.Optional(Type.Array(PlanHistoryEntry)),
  conditions: Type.Optional(Conditions),
});

export const ReleasePlanKind = {
  group: RELEASE_GROUP,
  version: RELEASE_VERSION,
  kind: 'ReleasePlan',
  plural: 'releaseplans',
  singular: 'releaseplan',
  // Not `rp`: ReleasePolicy has had that short name in this group since it was released (the API server refuses a second).
  shortNames: ['rplan'],
  categories: RELEASE_CATEGORIES,
  scope: 'Namespaced',
  description: 'An ordered release of several applications (发布单 across apps): stages from dependencies, one beta, confirmation, pause, rollback and one history.',
  spec: ReleasePlanSpec,
  status: ReleasePlanStatus,
  printerColumns: [
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Stage', type: 'string', jsonPath: '.status.stage', description: 'Current stage, counted from 1, of all stages.' },
    { name: 'Confirmed', type: 'integer', jsonPath: '.spec.confirmedStages' },
    { name: 'Beta', type: 'boolean', jsonPath: '.spec.beta', priority: 1 },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
} satisfies KindDefinition<typeof ReleasePlanSpec, typeof ReleasePlanStatus>;

export type ReleasePlanSpecT = Static<typeof ReleasePlanSpec>;
export type ReleasePlanStatusT = Static<typeof ReleasePlanStatus>;
export type PlanAppT = Static<typeof PlanApp>;
export type PlanAppStatusT = Static<typeof PlanAppStatus>;
export type PlanStageT = Static<typeof PlanStage>;
export type PlanHistoryEntryT = Static<typeof PlanHistoryEntry>;
export type ContainerImageT = Static<typeof ContainerImage>;
export type ReleasePlan = ObjectOf<typeof ReleasePlanKind>;
