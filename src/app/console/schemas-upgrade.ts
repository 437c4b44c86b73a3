/** TypeBox schemas of the upgrade routes (routes-upgrade.ts): validated by fastify, documented in the OpenAPI document. */
import { Type, type Static, type TNull, type TSchema, type TUnion } from '@sinclair/typebox';
import { Namespace, ObjectName } from './schemas.js';

const Nullable = <T extends TSchema>(t: T): TUnion<[T, TNull]> => Type.Union([t, Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const ReadinessQuery = Type.Object(
  { target: Type.String({ pattern: '^v?1\\.[0-9]{1,2}(\\.[0-9]+)?$', description: 'The Kubernetes version to upgrade to, e.g. 1.34.' }) },
  { additionalProperties: false },
);
export type ReadinessQueryT = Static<typeof ReadinessQuery>;

export const ReadinessSchema = Type.Object({
  target: Type.String(),
  current: Nullable(Type.String()),
  blockers: Type.Array(
    Type.Object({
      rule: Type.String({ description: 'The finding code of `plinth upgrade assess`, e.g. removed-api.' }),
      severity: Type.Union([Type.Literal('blocker'), Type.Literal('warning'), Type.Literal('info')]),
      object: Type.Object({ kind: Nullable(Type.String()), namespace: Nullable(Type.String()), name: Nullable(Type.String()), apiVersion: Nullable(Type.String()) }),
      message: Type.String(),
      fix: Type.String(),
    }),
    { description: 'Every finding, blockers first.' },
  ),
  counts: Type.Object({ blocker: Type.Integer(), warning: Type.Integer(), info: Type.Integer() }),
  path: Type.Object({}, { additionalProperties: true, description: 'The suggested path, as in `plinth upgrade assess -o json`.' }),
  errors: Type.Array(Type.String(), { description: 'Parts of the cluster the user may not read (the rest was assessed).' }),
});

export const NodeRunsQuery = Type.Object(
  {
    namespace: Type.Optional(Namespace),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    continue: Type.Optional(Type.String({ minLength: 1, maxLength: 8192 })),
  },
  { additionalProperties: false, description: 'namespace: where the runs keep their state (default plinth-system, the CLI\'s --state-namespace).' },
);
export type NodeRunsQueryT = Static<typeof NodeRunsQuery>;

const Control = Type.Union([Type.Literal(''), Type.Literal('pause'), Type.Literal('abort')], { description: 'A pause or abort the run has not carried out yet.' });

export const NodeRunItemSchema = Type.Object({
  name: Type.String(),
  phase: Type.String(),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  target: Nullable(Type.String()),
  nodes: Type.Object({ total: Type.Integer(), done: Type.Integer(), failed: Type.Integer(), inFlight: Type.Integer(), pending: Type.Integer(), skipped: Type.Integer(), aborted: Type.Integer() }),
  window: Type.Integer(),
  control: Control,
  message: Nullable(Type.String()),
});

export const NodeRunList = Type.Object({ items: Type.Array(NodeRunItemSchema), continue: Nullable(Type.String()) });

const DecisionSchema = Type.Object({ at: Type.String(), by: Type.String(), action: Type.String(), phase: Type.String() });

export const NodeRunDetailSchema = Type.Object({
  run: NodeRunItemSchema,
  nodes: Type.Array(
    Type.Object({
      name: Type.String(),
      zone: Nullable(Type.String()),
      phase: Type.String(),
      startedAt: Nullable(Type.String()),
      finishedAt: Nullable(Type.String()),
      seconds: NullableNumber,
      evicted: Type.Integer(),
      from: Nullable(Type.String()),
      to: Nullable(Type.String()),
      waitingFor: Nullable(Type.String()),
      message: Nullable(Type.String()),
    }),
  ),
  control: Control,
  decisions: Type.Array(DecisionSchema, { description: 'Who paused, resumed or aborted the run, oldest first.' }),
  settings: Type.Object({}, { additionalProperties: true }),
});

export const NodeRunParams = Type.Object({ name: ObjectName }, { additionalProperties: false });
export type NodeRunParamsT = Static<typeof NodeRunParams>;
export const NodeRunNsQuery = Type.Object({ namespace: Type.Optional(Namespace) }, { additionalProperties: false });
export type NodeRunNsQueryT = Static<typeof NodeRunNsQuery>;

export const NodeRunActionParams = Type.Object(
  { name: ObjectName, action: Type.Union([Type.Literal('pause'), Type.Literal('resume'), Type.Literal('abort')]) },
  { additionalProperties: false },
);
export type NodeRunActionParamsT = Static<typeof NodeRunActionParams>;

export const NodeRunActionResult = Type.Object({
  name: Type.String(),
  action: Type.String(),
  phase: Type.String({ description: 'The run phase after the action (an abort no process carries out is finished at once: Aborted).' }),
  control: Control,
  by: Type.String(),
  outcome: Type.String({ description: 'What happened: requested (the run acting on it carries it out), done (finished here), withdrawn (a pending pause).' }),
});

export const SwitchParams = Type.Object({ name: ObjectName }, { additionalProperties: false });
export type SwitchParamsT = Static<typeof SwitchParams>;

export const SwitchItemSchema = Type.Object({
  name: Type.String(),
  workDir: Type.String(),
  plan: Type.String(),
  operation: Type.String(),
  status: Type.String(),
  serving: Type.String(),
  startedAt: Type.String(),
  updatedAt: Type.String(),
  phases: Type.Array(
    Type.Object({ name: Type.String(), title: Type.String(), phase: Type.String(), startedAt: Nullable(Type.String()), finishedAt: Nullable(Type.String()), seconds: NullableNumber, detail: Type.String() }),
  ),
  canRollback: Type.Boolean(),
  rollbackCommand: Type.String(),
  error: Type.Union([Type.Object({ phase: Type.String(), message: Type.String() }), Type.Null()]),
});

export const SwitchList = Type.Object({ items: Type.Array(SwitchItemSchema), continue: Type.Null() });
