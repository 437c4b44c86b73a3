import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../../../api/schema/types.js';

/** Executors a host may use: `local` runs `sh -c`, `ssh` runs the system ssh binary with BatchMode. */
export const EXECUTOR_TYPES = ['local', 'ssh'] as const;
export type ExecutorType = (typeof EXECUTOR_TYPES)[number];

const Commands = Type.Array(Type.String({ minLength: 1 }), {
  description: 'shell commands run in order; each must exit 0 (write them so that running them twice is harmless)',
});

export const ExecutorSchema = Type.Object(
  {
    type: StringEnum(EXECUTOR_TYPES),
    host: Type.Optional(Type.String({ minLength: 1, description: 'ssh: host name or address' })),
    user: Type.Optional(Type.String({ minLength: 1, description: 'ssh: remote user' })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'ssh: port (default 22)' })),
    identityFile: Type.Optional(Type.String({ minLength: 1, description: 'ssh: private key file (relative to the plan)' })),
    connectTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
    options: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z]+=.*$' }), { description: 'ssh: extra -o Key=Value options' })),
  },
  { additionalProperties: false },
);

const VersionCommands = Type.Object({ stop: Commands, start: Commands }, { additionalProperties: false });

export const HostSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
    executor: ExecutorSchema,
    old: VersionCommands,
    new: VersionCommands,
  },
  { additionalProperties: false },
);

const ClusterAccess = Type.Object(
  {
    kubeconfig: Type.String({ minLength: 1, description: 'kubeconfig path (relative to the plan)' }),
    context: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export const PlanSchema = Type.Object(
  {
    apiVersion: Type.Literal('plinth.dev/v1alpha1'),
    kind: Type.Literal('SwitchPlan'),
    targetVersion: Type.String({ pattern: '^v?1\\.\\d{1,3}(\\.\\d+)?$', description: 'Kubernetes version of the new control plane, e.g. v1.34' }),
    workDir: Type.String({ minLength: 1, description: 'export, logs and the state file go here (relative to the plan)' }),
    old: ClusterAccess,
    new: ClusterAccess,
    hosts: Type.Array(HostSchema, { minItems: 1 }),
    export: Type.Optional(
      Type.Object(
        {
          namespaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
          includeStatus: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    etcd: Type.Optional(
      Type.Object(
        {
          endpoints: Type.Array(Type.String({ pattern: '^https?://' }), { minItems: 1, description: 'etcd client URLs of the OLD cluster, for a snapshot' }),
          cacert: Type.Optional(Type.String({ minLength: 1 })),
          cert: Type.Optional(Type.String({ minLength: 1 })),
          key: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
    timeouts: Type.Optional(
      Type.Object(
        {
          commandSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
          healthySeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
          verifySeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type PlanDoc = Static<typeof PlanSchema>;
export type HostDoc = Static<typeof HostSchema>;
export type ExecutorDoc = Static<typeof ExecutorSchema>;

/** What each part of the plan is for, shown with a validation error as the fix. */
export const FIX_BY_FIELD: Record<string, string> = {
  apiVersion: 'set apiVersion: plinth.dev/v1alpha1',
  kind: 'set kind: SwitchPlan',
  targetVersion: 'give the new control plane version, e.g. targetVersion: v1.34',
  workDir: 'name a directory for the export, logs and state, e.g. workDir: ./switch-work',
  kubeconfig: 'give the path of a kubeconfig file',
  old: 'give the old cluster access, e.g. old: { kubeconfig: ./old.kubeconfig }',
  new: 'give the new cluster access, e.g. new: { kubeconfig: ./new.kubeconfig }',
  executor: 'give executor: { type: local } or { type: ssh, host: HOST }',
  hosts: 'list at least one host with name, executor, old.stop/start and new.stop/start',
  type: `use one of: ${EXECUTOR_TYPES.join(', ')}`,
  stop: 'list the shell commands that stop this version (a list of strings)',
  start: 'list the shell commands that start this version (a list of strings)',
  port: 'give a port 1..65535',
  name: 'use letters, digits, dots, dashes and underscores',
  endpoints: 'list etcd client URLs such as http://127.0.0.1:2379',
};
