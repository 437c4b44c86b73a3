import { Type, type Static } from '@sinclair/typebox';
import { Conditions, Timestamp, Validated } from '../schema/types.js';
import type { KindDefinition, ObjectOf } from '../crd.js';
import { FLEET_CATEGORIES, FLEET_GROUP, FLEET_VERSION } from './group.js';

export const GitSourceSpec = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2048,
      pattern: '^(https?|git|ssh|file)://.+|^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.+',
      description: 'Repository URL: https://, http://, git://, ssh:// (or user@host:path), file:// (tests).',
    }),
    ref: Validated(
      {
        branch: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        tag: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        commit: Type.Optional(Type.String({ pattern: '^[0-9a-f]{7,64}$' })),
      },
      [{ rule: '[has(self.branch), has(self.tag), has(self.commit)].filter(x, x).size() == 1', message: 'set exactly one of ref.branch, ref.tag, ref.commit' }],
    ),
    path: Type.Optional(Type.String({ maxLength: 1024, description: 'Only this directory of the repository is delivered (a filter; deliveries name sub-paths).' })),
    interval: Type.String({
      default: '1m',
      pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$',
      description: 'Fallback polling interval (a Go duration, e.g. 1m); a webhook push fetches at once.',
    }),
    secretRef: Type.Optional(Type.Object({ name: Type.String({ minLength: 1 }) }, { description: 'Secret with `username`+`password` (HTTPS token) or `identity` (SSH key) and optional `known_hosts`.' })),
    webhookSecretRef: Type.Optional(Type.Object({ name: Type.String({ minLength: 1 }) }, { description: 'Secret whose `token` verifies webhook signatures (HMAC).' })),
    suspend: Type.Boolean({ default: false }),
  },
);

/** The rendered artifact of one path at the current commit (or why it could not be rendered). */
export const SourceArtifact = Type.Object({
  path: Type.String({ description: 'Path in the repository, as deliveries name it ("" = the root).' }),
  digest: Type.Optional(Type.String({ pattern: '^sha256:[0-9a-f]{64}$' })),
  objects: Type.Optional(Type.Integer({ minimum: 0 })),
  commit: Type.Optional(Type.String({ description: 'The commit the digest was rendered from: status.commit, or an older one while this path fails to render (see error).' })),
  error: Type.Optional(Type.String({ maxLength: 2048, description: 'Why this path did not render, naming file:line.' })),
});

export const GitSourceStatus = Type.Object({
  observedGeneration: Type.Optional(Type.Integer()),
  commit: Type.Optional(Type.String()),
  fetchedAt: Type.Optional(Timestamp()),
  artifact: Type.Optional(Type.Object({ digest: Type.String(), path: Type.String() }, { description: 'The artifact of spec.path (or the root).' })),
  artifacts: Type.Optional(Type.Array(SourceArtifact, { maxItems: 256, description: 'One per path that a FleetDelivery uses, at status.commit.' })),
  conditions: Type.Optional(Conditions),
});

export const GitSourceKind = {
  group: FLEET_GROUP,
  version: FLEET_VERSION,
  kind: 'GitSource',
  plural: 'gitsources',
  singular: 'gitsource',
  shortNames: ['gs'],
  categories: FLEET_CATEGORIES,
  scope: 'Namespaced',
  description: 'A Git repository and ref the hub fetches (one fetch per URL and ref, however many deliveries use it) and renders into artifacts.',
  spec: GitSourceSpec,
  status: GitSourceStatus,
  printerColumns: [
    { name: 'URL', type: 'string', jsonPath: '.spec.url' },
    { name: 'Commit', type: 'string', jsonPath: '.status.commit' },
    { name: 'Ready', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
    { name: 'Fetched', type: 'date', jsonPath: '.status.fetchedAt' },
    { name: 'Message', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].message", priority: 1 },
  ],
} satisfies KindDefinition<typeof GitSourceSpec, typeof GitSourceStatus>;

export type GitSourceSpecT = Static<typeof GitSourceSpec>;
export type GitSourceStatusT = Static<typeof GitSourceStatus>;
export type GitSource = ObjectOf<typeof GitSourceKind>;
