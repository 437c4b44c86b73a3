import { Type, type Static } from '@sinclair/typebox';
import { Conditions, StringEnum, Timestamp, Validated } from '../schema/types.js';
import type { KindDefinition, ObjectOf } from '../crd.js';
import { RELEASE_CATEGORIES, RELEASE_GROUP, RELEASE_VERSION } from './group.js';

export const ReleaseOrderSpec = Validated(
  {
    target: Type.Object({
      kind: Type.String({ default: 'CellDeployment' }),
      name: Type.String({ minLength: 1, maxLength: 253 }),
    }),
    fromRevision: Type.String({ description: 'Revision the release starts from (and returns to on rollback).' }),
    toRevision: Type.String({ minLength: 1, description: 'Revision the release moves to.' }),
    confirmedBatches: Type.Integer({ minimum: 0, default: 0, description: 'Raising it to k confirms batch k.' }),
    paused: Type.Boolean({ default: false }),
    rollback: Type.Boolean({ default: false, description: 'Stop and return every updated pod to fromRevision, in batches.' }),
  },
  [
    { rule: 'self.target.name == oldSelf.target.name', message: 'target is immutable; create a new ReleaseOrder instead' },
    { rule: 'self.toRevision == oldSelf.toRevision && self.fromRevision == oldSelf.fromRevision', message: 'revisions are immutable' },
    { rule: 'self.confirmedBatches >= oldSelf.confirmedBatches', message: 'confirmedBatches can only grow; a confirmation cannot be withdrawn' },
    { rule: '!oldSelf.rollback || self.rollback', message: 'a rollback cannot be cancelled once requested' },
  ],
);

export const BatchStatus = Type.Object({
  index: Type.Integer({ minimum: 0 }),
  pods: Type.Array(Type.String()),
  units: Type.Optional(Type.Array(Type.String())),
  phase: Type.Union([
    Type.Literal('Pending'),
    Type.Literal('Running'),
    Type.Literal('Checking'),
    Type.Literal('WaitingForConfirm'),
    Type.Literal('Succeeded'),
    Type.Literal('Failed'),
    Type.Literal('RolledBack'),
  ]),
  startedAt: Type.Optional(Timestamp()),
  finishedAt: Type.Optional(Timestamp()),
});

export const CheckResult = Type.Object({
  name: Type.String(),
  kind: Type.Union([Type.Literal('pre'), Type.Literal('post')]),
  batch: Type.Optional(Type.Integer()),
  result: Type.Union([Type.Literal('Passed'), Type.Literal('Failed'), Type.Literal('Running'), Type.Literal('Blocked'), Type.Literal('Skipped')], {
    description: 'Skipped: the check did not run (the policy does not configure it).',
  }),
  message: Type.Optional(Type.String()),
  at: Timestamp(),
});

export const HistoryEntry = Type.Object({
  at: Timestamp(),
  by: Type.String({ description: 'Who decided: a user name, or system:plinth for the controller.' }),
  action: Type.String(),
  batch: Type.Optional(Type.Integer()),
  message: Type.Optional(Type.String()),
});

export const ReleaseOrderPhase = StringEnum(['Pending', 'Progressing', 'WaitingForConfirm', 'Paused', 'Blocked', 'Completed', 'RollingBack', 'RolledBack', 'Superseded', 'Failed']);

export const ReleaseOrderStatus = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  phase: Type.Optional(ReleaseOrderPhase),
  currentBatch: Type.Optional(Type.Integer({ description: 'Index of the current batch, from 0 (as batches[].index).' })),
  batch: Type.Optional(Type.String({ description: 'The current batch for people, counted from 1 of all batches, e.g. "2/5".' })),
  batches: Type.Optional(Type.Array(BatchStatus)),
  checks: Type.Optional(Type.Array(CheckResult)),
  history: Type.Optional(Type.Array(HistoryEntry)),
  lastProgress: Type.Optional(
    Type.Object(
      { mark: Type.String(), at: Timestamp() },
      { description: 'What the running batch had achieved when it last made progress, and when (the Stalled clock).' },
    ),
  ),
  conditions: Type.Optional(Conditions),
});

export const ReleaseOrderKind = {
  group: RELEASE_GROUP,
  version: RELEASE_VERSION,
  kind: 'ReleaseOrder',
  plural: 'releaseorders',
  singular: 'releaseorder',
  shortNames: ['ro'],
  categories: RELEASE_CATEGORIES,
  scope: 'Namespaced',
  description: 'The record of one release of a CellDeployment (发布单): its plan of batches, progress, checks and every decision.',
  spec: ReleaseOrderSpec,
  status: ReleaseOrderStatus,
  printerColumns: [
    { name: 'Target', type: 'string', jsonPath: '.spec.target.name' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'Batch', type: 'string', jsonPath: '.status.batch', description: 'Current batch, counted from 1, of all batches.' },
    { name: 'Confirmed', type: 'integer', jsonPath: '.spec.confirmedBatches' },
    { name: 'To', type: 'string', jsonPath: '.spec.toRevision' },
    { name: 'From', type: 'string', jsonPath: '.spec.fromRevision', priority: 1 },
  ],
} satisfies KindDefinition<typeof ReleaseOrderSpec, typeof ReleaseOrderStatus>;

export type ReleaseOrderSpecT = Static<typeof ReleaseOrderSpec>;
export type ReleaseOrderStatusT = Static<typeof ReleaseOrderStatus>;
export type ReleaseOrder = ObjectOf<typeof ReleaseOrderKind>;
