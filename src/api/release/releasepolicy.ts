import { Type, type Static } from '@sinclair/typebox';
import { Conditions, LabelSelector, Validated } from '../schema/types.js';
import type { KindDefinition, ObjectOf } from '../crd.js';
import { RELEASE_CATEGORIES, RELEASE_GROUP, RELEASE_VERSION } from './group.js';

const HHMM = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
/** Five cron fields of the characters cron uses; the values themselves are checked by the controller (status condition Valid). */
const CRON_FIVE_FIELDS = '^\\s*[0-9A-Za-z*,/?#-]+(\\s+[0-9A-Za-z*,/?#-]+){4}\\s*$';

/**
 * The Lease `plinth upgrade nodes` holds while it acts on a cluster's nodes (in its default --state-namespace):
 * the cluster-upgrade lock a policy's conflict check watches unless told another.
 */
export const NODE_UPGRADE_LOCK = { namespace: 'plinth-system', name: 'plinth-upgrade-nodes' } as const;

export const BlackoutWindow = Validated(
  {
    name: Type.String({ minLength: 1, maxLength: 63 }),
    timeZone: Type.String({ default: 'UTC', description: 'IANA time zone, e.g. Asia/Shanghai.' }),
    weekly: Type.Optional(
      Type.Array(
        Type.Object({
          days: Type.Array(
            Type.Union(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((d) => Type.Literal(d))),
            { minItems: 1, maxItems: 7 },
          ),
          start: Type.String({ pattern: HHMM, description: 'HH:MM' }),
          end: Type.String({ pattern: HHMM, description: 'HH:MM (may be before start: the window crosses midnight)' }),
        }),
        { maxItems: 32 },
      ),
    ),
    cron: Type.Optional(
      Type.String({
        minLength: 9,
        pattern: CRON_FIVE_FIELDS,
        description: 'Cron expression for the window start: 5 fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * 1-5".',
      }),
    ),
    durationMinutes: Type.Optional(Type.Integer({ minimum: 1, description: 'With cron: how long the window lasts.' })),
  },
  [
    { rule: 'has(self.weekly) != has(self.cron)', message: 'a blackout window needs exactly one of weekly or cron' },
    { rule: '!has(self.cron) || has(self.durationMinutes)', message: 'a cron blackout window needs durationMinutes' },
  ],
);

export const MetricCheck = Validated(
  {
    name: Type.String({ minLength: 1, maxLength: 63 }),
    prometheusUrl: Type.String({ pattern: '^https?://' }),
    query: Type.String({ minLength: 1 }),
    threshold: Type.Optional(
      Type.Object({
        operator: Type.Union([Type.Literal('<'), Type.Literal('<='), Type.Literal('>'), Type.Literal('>=')]),
        value: Type.Number(),
      }),
    ),
    baseline: Type.Optional(
      Type.Object({ maxIncreasePercent: Type.Number({ minimum: 0 }) }, { description: 'Compare with the value before the release.' }),
    ),
    intervalSeconds: Type.Integer({ minimum: 1, default: 10 }),
    count: Type.Integer({ minimum: 1, default: 3 }),
    failureLimit: Type.Integer({ minimum: 0, default: 0 }),
  },
  [{ rule: 'has(self.threshold) != has(self.baseline)', message: 'a metric check needs exactly one of threshold or baseline' }],
);

export const ReleasePolicySpec = Type.Object({
  selector: LabelSelector,
  preChecks: Type.Optional(
    Type.Object({
      blackoutWindows: Type.Optional(Type.Array(BlackoutWindow, { maxItems: 32 })),
      conflicts: Type.Optional(
        Type.Object({
          systemLabel: Type.String({ default: 'plinth.dev/system' }),
          upgradeLockLease: Type.Optional(
            Type.Object(
              { namespace: Type.String({ minLength: 1 }), name: Type.String({ minLength: 1 }) },
              {
                default: { ...NODE_UPGRADE_LOCK },
                description:
                  'No batch starts while this Lease is held (holderIdentity set, renewTime + leaseDurationSeconds not past). ' +
                  'Default: the lock plinth upgrade nodes holds, plinth-system/plinth-upgrade-nodes.',
              },
            ),
          ),
        }),
      ),
      parameters: Type.Optional(
        Type.Object({
          imagePattern: Type.Optional(Type.String({ description: 'Regular expression every image must match.' })),
          requireResources: Type.Boolean({ default: true }),
        }),
      ),
    }),
  ),
  postChecks: Type.Optional(
    Type.Object({
      metrics: Type.Optional(Type.Array(MetricCheck, { maxItems: 16 })),
      pendingTimeoutSeconds: Type.Integer({ minimum: 1, default: 300 }),
    }),
  ),
  onFailure: Type.Union([Type.Literal('Pause'), Type.Literal('Rollback')], { default: 'Pause' }),
});

export const ReleasePolicyStatus = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  matched: Type.Optional(Type.Array(Type.String())),
  conditions: Type.Optional(Conditions),
});

export const ReleasePolicyKind = {
  group: RELEASE_GROUP,
  version: RELEASE_VERSION,
  kind: 'ReleasePolicy',
  plural: 'releasepolicies',
  singular: 'releasepolicy',
  shortNames: ['rp'],
  categories: RELEASE_CATEGORIES,
  scope: 'Namespaced',
  description: 'Checks before and after each batch of the releases of the CellDeployments it selects.',
  spec: ReleasePolicySpec,
  status: ReleasePolicyStatus,
  printerColumns: [
    { name: 'On-Failure', type: 'string', jsonPath: '.spec.onFailure' },
    { name: 'Valid', type: 'string', jsonPath: ".status.conditions[?(@.type=='Valid')].status" },
  ],
} satisfies KindDefinition<typeof ReleasePolicySpec, typeof ReleasePolicyStatus>;

export type ReleasePolicySpecT = Static<typeof ReleasePolicySpec>;
export type ReleasePolicy = ObjectOf<typeof ReleasePolicyKind>;
