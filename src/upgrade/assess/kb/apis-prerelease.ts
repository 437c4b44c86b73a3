/**
 * Knowledge base: alpha and off-by-default beta API versions that stopped being served, and a few
 * long-gone versions that real repositories still carry. They were never on by default, so a cluster
 * only has such objects when someone enabled the version; a manifest that names one fails on a newer
 * server all the same.
 *
 * Source: Kubernetes' own lifecycle data (k8s.io/api's zz_generated.prerelease-lifecycle.go and the kinds
 * each k8s.io/api release registers), extracted into lifecycle.json by scripts/assess-lifecycle.mjs;
 * lifecycle.test.ts fails when an entry here and that table disagree. An alpha version has no
 * deprecation period: `deprecatedIn` is the minor before its removal unless the data gives one.
 */
import type { FieldChange, RemovedApi } from './api-types.js';

const LIFECYCLE = 'https://github.com/kubernetes/api (zz_generated.prerelease-lifecycle.go; src/upgrade/assess/kb/lifecycle.json)';
const REGISTRY = 'https://github.com/kubernetes/kubernetes/tree/master/pkg/registry (REST storage per version, checked in v1.21–v1.24)';
const CHANGELOG_1_5 = 'https://github.com/kubernetes/kubernetes/blob/master/CHANGELOG/CHANGELOG-1.5.md';
const CHANGELOG_1_6 = 'https://github.com/kubernetes/kubernetes/blob/master/CHANGELOG/CHANGELOG-1.6.md (kubernetes/kubernetes#38614)';

type Repl = RemovedApi['replacement'];

function gone(apiVersion: string, kind: string, resource: string, deprecatedIn: number, removedIn: number, replacement: Repl, extra: Partial<RemovedApi> = {}): RemovedApi {
  return { apiVersion, kind, resource, deprecatedIn, removedIn, replacement, fieldChanges: [], source: LIFECYCLE, ...extra };
}

/** The plural resource of a kind (the DRA kinds here): Class → classes, Parameters stays. */
const plural = (kind: string): string => {
  const k = kind.toLowerCase();
  return k.endsWith('parameters') ? k : k.endsWith('s') ? `${k}es` : `${k}s`;
};

const to = (apiVersion: string, kind: string, since: number): Repl => ({ apiVersion, kind, since });

/** flowcontrol's betas overlap: before v1 (1.29) the newest beta the target serves is the move. */
export function flowcontrolInterim(kind: string): NonNullable<RemovedApi['interim']> {
  const g = 'flowcontrol.apiserver.k8s.io';
  return [
    { apiVersion: `${g}/v1beta3`, kind, since: 26, until: 32 },
    { apiVersion: `${g}/v1beta2`, kind, since: 23, until: 29 },
    { apiVersion: `${g}/v1beta1`, kind, since: 20, until: 26 },
  ];
}

const DRA_ADVICE =
  'the Dynamic Resource Allocation API was redesigned between its alpha versions: rewrite the objects for resource.k8s.io/v1 (served from 1.34) or a beta version the target serves';

const RUNTIMECLASS_ALPHA_CHANGES: readonly FieldChange[] = [
  { from: 'spec.runtimeHandler', to: 'handler', note: 'moved to the top level' },
  { from: 'spec.overhead', to: 'overhead', note: 'moved to the top level' },
  { from: 'spec.scheduling', to: 'scheduling', note: 'moved to the top level' },
];

const VAP_ADVICE = 'admissionregistration.k8s.io/v1 (1.30) has the same fields; check that no alpha-only field is set';

export const PRERELEASE_REMOVALS: readonly RemovedApi[] = [
  // Before the lifecycle data (k8s.io/api starts at 1.16 here).
  gone('apps/v1alpha1', 'PetSet', 'petsets', 4, 5, null, {
    advice: 'PetSet was renamed StatefulSet in 1.5: rewrite it as an apps/v1 StatefulSet (kind changes; spec.selector required)',
    source: CHANGELOG_1_5,
  }),
  // Jobs moved to batch/v1 in 1.2; the extensions copy was deprecated in 1.5 and its endpoint removed in 1.6.
  gone('extensions/v1beta1', 'Job', 'jobs', 5, 6, to('batch/v1', 'Job', 2), {
    advice: 'rewrite it as a batch/v1 Job: spec.autoSelector became spec.manualSelector with the opposite meaning, and a selector of your own needs manualSelector: true',
    source: CHANGELOG_1_6,
  }),
  // auditregistration (dynamic audit) was removed without a replacement.
  gone('auditregistration.k8s.io/v1alpha1', 'AuditSink', 'auditsinks', 18, 19, null, { advice: 'dynamic audit sinks are gone: configure audit webhooks with the kube-apiserver flags --audit-webhook-*' }),
  gone('settings.k8s.io/v1alpha1', 'PodPreset', 'podpresets', 19, 20, null, { advice: 'PodPresets are gone: set the fields in the pod templates, or use a mutating admission webhook or policy engine' }),
  gone('batch/v2alpha1', 'CronJob', 'cronjobs', 20, 21, to('batch/v1', 'CronJob', 21)),
  gone('discovery.k8s.io/v1alpha1', 'EndpointSlice', 'endpointslices', 20, 21, to('discovery.k8s.io/v1', 'EndpointSlice', 21)),
  gone('flowcontrol.apiserver.k8s.io/v1alpha1', 'FlowSchema', 'flowschemas', 20, 21, to('flowcontrol.apiserver.k8s.io/v1', 'FlowSchema', 29), { interim: flowcontrolInterim('FlowSchema') }),
  gone('flowcontrol.apiserver.k8s.io/v1alpha1', 'PriorityLevelConfiguration', 'prioritylevelconfigurations', 20, 21, to('flowcontrol.apiserver.k8s.io/v1', 'PriorityLevelConfiguration', 29), {
    interim: flowcontrolInterim('PriorityLevelConfiguration'),
  }),
  // Kept as Go types in k8s.io/api, but no longer served by kube-apiserver (its REST storage lists them up to 1.22 / 1.23).
  gone('rbac.authorization.k8s.io/v1alpha1', 'ClusterRole', 'clusterroles', 17, 23, to('rbac.authorization.k8s.io/v1', 'ClusterRole', 8), { source: REGISTRY }),
  gone('rbac.authorization.k8s.io/v1alpha1', 'ClusterRoleBinding', 'clusterrolebindings', 17, 23, to('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 8), { source: REGISTRY }),
  gone('rbac.authorization.k8s.io/v1alpha1', 'Role', 'roles', 17, 23, to('rbac.authorization.k8s.io/v1', 'Role', 8), { source: REGISTRY }),
  gone('rbac.authorization.k8s.io/v1alpha1', 'RoleBinding', 'rolebindings', 17, 23, to('rbac.authorization.k8s.io/v1', 'RoleBinding', 8), { source: REGISTRY }),
  gone('scheduling.k8s.io/v1alpha1', 'PriorityClass', 'priorityclasses', 14, 23, to('scheduling.k8s.io/v1', 'PriorityClass', 14), { source: REGISTRY }),
  gone('node.k8s.io/v1alpha1', 'RuntimeClass', 'runtimeclasses', 20, 24, to('node.k8s.io/v1', 'RuntimeClass', 20), { source: REGISTRY, fieldChanges: RUNTIMECLASS_ALPHA_CHANGES }),
  gone('storage.k8s.io/v1alpha1', 'VolumeAttachment', 'volumeattachments', 21, 24, to('storage.k8s.io/v1', 'VolumeAttachment', 13)),
  gone('storage.k8s.io/v1alpha1', 'CSIStorageCapacity', 'csistoragecapacities', 21, 24, to('storage.k8s.io/v1', 'CSIStorageCapacity', 24)),
  gone('apps/v1beta1', 'ControllerRevision', 'controllerrevisions', 8, 16, to('apps/v1', 'ControllerRevision', 9)),
  gone('apps/v1beta2', 'ControllerRevision', 'controllerrevisions', 9, 16, to('apps/v1', 'ControllerRevision', 9)),
  // Dynamic Resource Allocation alphas.
  ...['PodScheduling', 'ResourceClaim', 'ResourceClaimTemplate', 'ResourceClass'].map((k) => gone('resource.k8s.io/v1alpha1', k, plural(k), 26, 27, null, { advice: DRA_ADVICE })),
  ...['PodSchedulingContext', 'ResourceClaim', 'ResourceClaimParameters', 'ResourceClaimTemplate', 'ResourceClass', 'ResourceClassParameters', 'ResourceSlice'].map((k) =>
    gone('resource.k8s.io/v1alpha2', k, plural(k), 30, 31, null, { advice: DRA_ADVICE }),
  ),
  gone('resource.k8s.io/v1alpha3', 'PodSchedulingContext', 'podschedulingcontexts', 31, 32, null, { advice: DRA_ADVICE }),
  ...['DeviceClass', 'ResourceClaim', 'ResourceClaimTemplate', 'ResourceSlice'].map((k) => gone('resource.k8s.io/v1alpha3', k, plural(k), 33, 34, null, { advice: DRA_ADVICE })),
  gone('networking.k8s.io/v1alpha1', 'ClusterCIDR', 'clustercidrs', 28, 29, null, { advice: 'ClusterCIDR was withdrawn: configure pod CIDRs with the kube-controller-manager flags or your network plugin' }),
  gone('networking.k8s.io/v1alpha1', 'IPAddress', 'ipaddresses', 30, 33, to('networking.k8s.io/v1', 'IPAddress', 33)),
  gone('networking.k8s.io/v1alpha1', 'ServiceCIDR', 'servicecidrs', 30, 33, to('networking.k8s.io/v1', 'ServiceCIDR', 33)),
  gone('admissionregistration.k8s.io/v1alpha1', 'ValidatingAdmissionPolicy', 'validatingadmissionpolicies', 29, 32, to('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', 30), { advice: VAP_ADVICE }),
  gone('admissionregistration.k8s.io/v1alpha1', 'ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', 29, 32, to('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicyBinding', 30), { advice: VAP_ADVICE }),
  gone('admissionregistration.k8s.io/v1beta1', 'ValidatingAdmissionPolicy', 'validatingadmissionpolicies', 31, 34, to('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicy', 30)),
  gone('admissionregistration.k8s.io/v1beta1', 'ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', 31, 34, to('admissionregistration.k8s.io/v1', 'ValidatingAdmissionPolicyBinding', 30)),
  gone('authentication.k8s.io/v1alpha1', 'SelfSubjectReview', 'selfsubjectreviews', 29, 32, to('authentication.k8s.io/v1', 'SelfSubjectReview', 28)),
  gone('authentication.k8s.io/v1beta1', 'SelfSubjectReview', 'selfsubjectreviews', 30, 33, to('authentication.k8s.io/v1', 'SelfSubjectReview', 28)),
  gone('coordination.k8s.io/v1alpha1', 'LeaseCandidate', 'leasecandidates', 31, 32, to('coordination.k8s.io/v1alpha2', 'LeaseCandidate', 32)),
];
