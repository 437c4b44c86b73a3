/**
 * The TypeBox schemas of the console's routes: fastify validates every input with them (a bad one is a 400
 * naming the field) and the OpenAPI document is generated from them.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ReleaseOrderPhase } from '../../api/index.js';

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$';

export const Namespace = Type.String({ pattern: DNS_LABEL, maxLength: 63, description: 'A namespace name.' });
export const ObjectName = Type.String({ pattern: DNS_SUBDOMAIN, maxLength: 253, description: 'An object name.' });

export const ErrorBodySchema = Type.Object(
  {
    code: Type.String({ description: 'The error code from the catalogue, e.g. KUBE_API, CONSOLE_CSRF.' }),
    message: Type.String({ description: "One line: what is wrong (the API server's own message when it refused)." }),
    hint: Type.String({ description: 'One line: what to do about it.' }),
    denied: Type.Optional(
      Type.Object({ verb: Type.String(), resource: Type.String(), group: Type.String(), namespace: Type.Union([Type.String(), Type.Null()]) }, { description: 'What RBAC refused (on a 403).' }),
    ),
  },
);

export const SessionCreateBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 16384, description: 'A Kubernetes bearer token.' }) }, { additionalProperties: false });
export type SessionCreateBodyT = Static<typeof SessionCreateBody>;

export const LinkQuery = Type.Object({ code: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false });

export const SessionView = Type.Object({
  user: Type.String(),
  groups: Type.Array(Type.String()),
  csrfToken: Type.String({ description: 'Send it as the X-Plinth-CSRF header on every write.' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const ReleasesQuery = Type.Object(
  {
    namespace: Type.Optional(Namespace),
    phase: Type.Optional(ReleaseOrderPhase),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'CellDeployments per page (the API server pages).' })),
    continue: Type.Optional(Type.String({ minLength: 1, maxLength: 8192, description: 'The continue token of the previous page.' })),
  },
  { additionalProperties: false },
);
export type ReleasesQueryT = Static<typeof ReleasesQuery>;

const Batch = Type.Object({ index: Type.Integer(), number: Type.Integer() });

export const ReleaseSummarySchema = Type.Object({
  namespace: Type.String(),
  name: Type.String(),
  phase: Type.Union([Type.String(), Type.Null()]),
  replicas: Type.Integer(),
  readyReplicas: Type.Integer(),
  updatedReplicas: Type.Integer(),
  release: Type.Union([
    Type.Object({
      name: Type.String(),
      phase: Type.String(),
      currentBatch: Type.Union([Batch, Type.Null()]),
      batchCount: Type.Integer(),
      fromRevision: Type.String(),
      toRevision: Type.String(),
      confirmedBatches: Type.Integer(),
      paused: Type.Boolean(),
      rollback: Type.Boolean(),
    }),
    Type.Null(),
  ]),
});

export const ReleaseList = Type.Object({
  items: Type.Array(ReleaseSummarySchema),
  continue: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `continue` for the next page; null on the last page.' }),
  remainingItemCount: Type.Union([Type.Integer(), Type.Null()]),
});

export const ReleaseParams = Type.Object({ ns: Namespace, name: ObjectName }, { additionalProperties: false });
export type ReleaseParamsT = Static<typeof ReleaseParams>;

export const ReleaseAction = Type.Union([Type.Literal('confirm'), Type.Literal('pause'), Type.Literal('resume'), Type.Literal('rollback')]);

export const ActionParams = Type.Object({ ns: Namespace, name: ObjectName, action: ReleaseAction }, { additionalProperties: false });
export type ActionParamsT = Static<typeof ActionParams>;

export const ActionBody = Type.Object(
  { batch: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, description: 'confirm only: confirm every batch up to this one (1-based).' })) },
  { additionalProperties: false },
);
export type ActionBodyT = Static<typeof ActionBody>;

export const PodViewSchema = Type.Object({
  name: Type.String(),
  unit: Type.String(),
  node: Type.Union([Type.String(), Type.Null()]),
  revision: Type.String(),
  batch: Type.Union([Type.Integer(), Type.Null()]),
  state: Type.Union([Type.Literal('waiting'), Type.Literal('draining'), Type.Literal('updating'), Type.Literal('ready'), Type.Literal('failed')]),
  ready: Type.Boolean(),
});

export const ReleaseDetail = Type.Object(
  {
    status: Type.Object({}, { additionalProperties: true, description: 'The release status model, as `plinth release status -o json` prints it (docs/cli.md).' }),
    pods: Type.Array(PodViewSchema),
    history: Type.Array(Type.Object({ at: Type.String(), by: Type.String(), action: Type.String(), batch: Type.Optional(Type.Integer()), message: Type.Optional(Type.String()) })),
  },
  { description: 'What the release screen shows: batches, units, checks (in status), each pod with its state, the whole history.' },
);

export const ActionResultSchema = Type.Object({}, { additionalProperties: true, description: 'As `plinth release ACTION -o json` prints it (kind ReleaseAction, docs/cli.md).' });

export const EventsQuery = Type.Object({ namespace: Type.Optional(Namespace) }, { additionalProperties: false });
export type EventsQueryT = Static<typeof EventsQuery>;
