/**
 * Knowledge base: API versions that stopped being served, 1.16 to 1.33, with their replacements and the
 * field changes a conversion must make. Source: the Kubernetes "Deprecated API Migration Guide"
 * (https://kubernetes.io/docs/reference/using-api/deprecation-guide/), cross-checked against the release
 * notes of each minor. `deprecatedIn` is the minor whose release first warned about the version.
 * Every `removedIn` and replacement `since` below was checked against the guide's sections v1.16, v1.22,
 * v1.25, v1.26, v1.27, v1.29 and v1.32 (the stored guide lists no other removals).
 * flowcontrol v1beta1 (removed 1.26): the guide's replacement at the time was v1beta2/v1beta3; the entry names
 * v1, and the converter moves to v1beta3 for targets 1.26-1.28 (migrate/convert/registry.ts).
 * The guide does not give deprecation minors: `deprecatedIn` and `removedIn` are checked against Kubernetes'
 * own lifecycle data (lifecycle.json, lifecycle.test.ts).
 *
 * This is data, not code: scanners look entries up by apiVersion and kind; `plinth upgrade convert`
 * implements the listed field changes (src/upgrade/migrate/convert) and its tests cover every entry whose
 * replacement is not null.
 */
import type { FieldChange, RemovedApi } from './api-types.js';
import { PRERELEASE_REMOVALS, flowcontrolInterim } from './apis-prerelease.js';

export type { FieldChange, RemovedApi } from './api-types.js';

const GUIDE = 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/';
const guide = (minor: number): string => `${GUIDE}#v1-${minor}`;

const APPS_CHANGES: readonly FieldChange[] = [
  { from: 'spec.selector', to: 'spec.selector', note: 'required and immutable in apps/v1; set it to the labels of spec.template (the old default)' },
  { from: 'spec.template.metadata.labels', to: 'spec.template.metadata.labels', note: 'must match spec.selector' },
  { from: 'spec.rollbackTo', to: '', note: 'removed (extensions/v1beta1, apps/v1beta1 Deployments); use `kubectl rollout undo`' },
];
const APPS_DEFAULTS: FieldChange = {
  from: '(defaults)',
  to: '(defaults)',
  note: 'apps/v1 defaults differ: Deployment revisionHistoryLimit 10, progressDeadlineSeconds 600 and maxSurge/maxUnavailable 25%, DaemonSet/StatefulSet updateStrategy RollingUpdate; set the old values explicitly to keep the old behaviour',
};
const DAEMONSET_CHANGES: readonly FieldChange[] = [{ from: 'spec.templateGeneration', to: '', note: 'removed in apps/v1' }];

function apps(apiVersion: string, kind: string, resource: string, deprecatedIn: number): RemovedApi {
  return {
    apiVersion,
    kind,
    resource,
    deprecatedIn,
    removedIn: 16,
    replacement: { apiVersion: 'apps/v1', kind, since: 9 },
    fieldChanges: [...APPS_CHANGES, ...(kind === 'DaemonSet' ? DAEMONSET_CHANGES : []), APPS_DEFAULTS],
    source: guide(16),
  };
}

/** A move to a newer version of the same kind with no field changes to make. */
function plain(apiVersion: string, kind: string, resource: string, deprecatedIn: number, removedIn: number, to: string, since: number): RemovedApi {
  return { apiVersion, kind, resource, deprecatedIn, removedIn, replacement: { apiVersion: to, kind, since }, fieldChanges: [], source: guide(removedIn) };
}

const INGRESS_CHANGES: readonly FieldChange[] = [
  { from: 'spec.backend', to: 'spec.defaultBackend', note: 'renamed' },
  { from: 'spec.rules[].http.paths[].backend.serviceName', to: 'spec.rules[].http.paths[].backend.service.name', note: 'renamed' },
  {
    from: 'spec.rules[].http.paths[].backend.servicePort',
    to: 'spec.rules[].http.paths[].backend.service.port.number | .port.name',
    note: 'a number goes to port.number, a name to port.name',
  },
  { from: 'spec.rules[].http.paths[].pathType', to: 'spec.rules[].http.paths[].pathType', note: 'required in v1; ImplementationSpecific keeps the old behaviour' },
  { from: 'spec.backend (resource)', to: 'spec.defaultBackend.resource', note: 'resource backends keep their shape' },
];

const CRD_CHANGES: readonly FieldChange[] = [
  { from: 'spec.version', to: 'spec.versions[]', note: 'removed; list every version with served/storage flags' },
  { from: 'spec.validation.openAPIV3Schema', to: 'spec.versions[].schema.openAPIV3Schema', note: 'required per version and must be structural' },
  { from: 'spec.subresources', to: 'spec.versions[].subresources', note: 'moved per version' },
  { from: 'spec.additionalPrinterColumns', to: 'spec.versions[].additionalPrinterColumns', note: 'moved per version; JSONPath is renamed jsonPath' },
  { from: 'spec.preserveUnknownFields', to: 'x-kubernetes-preserve-unknown-fields', note: 'must be false in v1; keep unknown fields with x-kubernetes-preserve-unknown-fields: true in the schema' },
  { from: 'spec.conversion.webhookClientConfig', to: 'spec.conversion.webhook.clientConfig', note: 'moved' },
  { from: 'spec.conversion.conversionReviewVersions', to: 'spec.conversion.webhook.conversionReviewVersions', note: 'moved and required for webhook conversion' },
  { from: 'spec.scope', to: 'spec.scope', note: 'no longer defaults to Namespaced; set it explicitly' },
];

const WEBHOOK_CHANGES: readonly FieldChange[] = [
  { from: 'webhooks[].failurePolicy', to: 'webhooks[].failurePolicy', note: 'default changes from Ignore to Fail; set Ignore explicitly to keep the old behaviour' },
  { from: 'webhooks[].matchPolicy', to: 'webhooks[].matchPolicy', note: 'default changes from Exact to Equivalent' },
  { from: 'webhooks[].timeoutSeconds', to: 'webhooks[].timeoutSeconds', note: 'default changes from 30s to 10s' },
  { from: 'webhooks[].sideEffects', to: 'webhooks[].sideEffects', note: 'required; only None and NoneOnDryRun are allowed (Unknown/Some become NoneOnDryRun only if true)' },
  { from: 'webhooks[].admissionReviewVersions', to: 'webhooks[].admissionReviewVersions', note: 'required (v1beta1 defaulted to [v1beta1])' },
  { from: 'webhooks[].name', to: 'webhooks[].name', note: 'must be unique within the configuration' },
];

/** The guide's v1.22 note for the SubjectAccessReview kinds; the converter renames it (migrate/convert/reviews.ts). */
const SAR_CHANGES: readonly FieldChange[] = [{ from: 'spec.group', to: 'spec.groups', note: 'renamed' }];

const CSR_CHANGES: readonly FieldChange[] = [
  { from: 'spec.signerName', to: 'spec.signerName', note: 'required; kubernetes.io/legacy-unknown cannot be requested' },
  { from: 'spec.usages', to: 'spec.usages', note: 'required, no duplicates, and only usages the signer allows' },
  { from: 'status.conditions', to: 'status.conditions', note: 'no duplicate types; Approved/Denied/Failed need status True' },
];

const HPA_V2_CHANGES: readonly FieldChange[] = [
  { from: 'spec.metrics[].resource.targetAverageUtilization', to: 'spec.metrics[].resource.target {type: Utilization, averageUtilization}', note: 'restructured' },
  { from: 'spec.metrics[].resource.targetAverageValue', to: 'spec.metrics[].resource.target {type: AverageValue, averageValue}', note: 'restructured' },
  { from: 'spec.metrics[].pods.targetAverageValue', to: 'spec.metrics[].pods.target {type: AverageValue, averageValue}; metricName -> metric.name, selector -> metric.selector', note: 'restructured' },
  { from: 'spec.metrics[].object.targetValue', to: 'spec.metrics[].object.target {type: Value, value}; target -> describedObject; metricName -> metric.name', note: 'restructured' },
  { from: 'spec.metrics[].object.averageValue', to: 'spec.metrics[].object.target {type: AverageValue, averageValue}', note: 'restructured' },
  { from: 'spec.metrics[].external.targetValue', to: 'spec.metrics[].external.target {type: Value, value}; metricName -> metric.name, metricSelector -> metric.selector', note: 'restructured' },
  { from: 'spec.metrics[].external.targetAverageValue', to: 'spec.metrics[].external.target {type: AverageValue, averageValue}', note: 'restructured' },
];

/** The removals of the Deprecated API Migration Guide (GA-path betas). */
const GUIDE_REMOVALS: readonly RemovedApi[] = [
  // 1.16
  apps('extensions/v1beta1', 'Deployment', 'deployments', 8),
  apps('apps/v1beta1', 'Deployment', 'deployments', 8),
  apps('apps/v1beta2', 'Deployment', 'deployments', 9),
  apps('extensions/v1beta1', 'DaemonSet', 'daemonsets', 8),
  apps('apps/v1beta2', 'DaemonSet', 'daemonsets', 9),
  apps('extensions/v1beta1', 'ReplicaSet', 'replicasets', 8),
  apps('apps/v1beta1', 'ReplicaSet', 'replicasets', 9),
  apps('apps/v1beta2', 'ReplicaSet', 'replicasets', 9),
  apps('apps/v1beta1', 'StatefulSet', 'statefulsets', 8),
  apps('apps/v1beta2', 'StatefulSet', 'statefulsets', 9),
  {
    ...plain('extensions/v1beta1', 'NetworkPolicy', 'networkpolicies', 9, 16, 'networking.k8s.io/v1', 8),
    fieldChanges: [{ from: 'spec.policyTypes', to: 'spec.policyTypes', note: 'defaults to [Ingress] (plus Egress when egress rules exist)' }],
  },
  {
    ...plain('extensions/v1beta1', 'PodSecurityPolicy', 'podsecuritypolicies', 11, 16, 'policy/v1beta1', 10),
    advice: 'policy/v1beta1 itself is removed in 1.25: plan the move to Pod Security Admission now',
  },
  // 1.22
  { ...plain('admissionregistration.k8s.io/v1beta1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', 16, 22, 'admissionregistration.k8s.io/v1', 16), fieldChanges: WEBHOOK_CHANGES },
  { ...plain('admissionregistration.k8s.io/v1beta1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', 16, 22, 'admissionregistration.k8s.io/v1', 16), fieldChanges: WEBHOOK_CHANGES },
  { ...plain('apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition', 'customresourcedefinitions', 16, 22, 'apiextensions.k8s.io/v1', 16), fieldChanges: CRD_CHANGES },
  plain('apiregistration.k8s.io/v1beta1', 'APIService', 'apiservices', 19, 22, 'apiregistration.k8s.io/v1', 10),
  plain('authentication.k8s.io/v1beta1', 'TokenReview', 'tokenreviews', 19, 22, 'authentication.k8s.io/v1', 6),
  { ...plain('authorization.k8s.io/v1beta1', 'SubjectAccessReview', 'subjectaccessreviews', 19, 22, 'authorization.k8s.io/v1', 6), fieldChanges: SAR_CHANGES },
  { ...plain('authorization.k8s.io/v1beta1', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', 19, 22, 'authorization.k8s.io/v1', 6), fieldChanges: SAR_CHANGES },
  plain('authorization.k8s.io/v1beta1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', 19, 22, 'authorization.k8s.io/v1', 6),
  plain('authorization.k8s.io/v1beta1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', 19, 22, 'authorization.k8s.io/v1', 8),
  { ...plain('certificates.k8s.io/v1beta1', 'CertificateSigningRequest', 'certificatesigningrequests', 19, 22, 'certificates.k8s.io/v1', 19), fieldChanges: CSR_CHANGES },
  plain('coordination.k8s.io/v1beta1', 'Lease', 'leases', 19, 22, 'coordination.k8s.io/v1', 14),
  { ...plain('extensions/v1beta1', 'Ingress', 'ingresses', 14, 22, 'networking.k8s.io/v1', 19), fieldChanges: INGRESS_CHANGES },
  { ...plain('networking.k8s.io/v1beta1', 'Ingress', 'ingresses', 19, 22, 'networking.k8s.io/v1', 19), fieldChanges: INGRESS_CHANGES },
  plain('networking.k8s.io/v1beta1', 'IngressClass', 'ingressclasses', 19, 22, 'networking.k8s.io/v1', 19),
  plain('rbac.authorization.k8s.io/v1beta1', 'ClusterRole', 'clusterroles', 17, 22, 'rbac.authorization.k8s.io/v1', 8),
  plain('rbac.authorization.k8s.io/v1beta1', 'ClusterRoleBinding', 'clusterrolebindings', 17, 22, 'rbac.authorization.k8s.io/v1', 8),
  plain('rbac.authorization.k8s.io/v1beta1', 'Role', 'roles', 17, 22, 'rbac.authorization.k8s.io/v1', 8),
  plain('rbac.authorization.k8s.io/v1beta1', 'RoleBinding', 'rolebindings', 17, 22, 'rbac.authorization.k8s.io/v1', 8),
  plain('scheduling.k8s.io/v1beta1', 'PriorityClass', 'priorityclasses', 14, 22, 'scheduling.k8s.io/v1', 14),
  plain('storage.k8s.io/v1beta1', 'CSIDriver', 'csidrivers', 19, 22, 'storage.k8s.io/v1', 19),
  plain('storage.k8s.io/v1beta1', 'CSINode', 'csinodes', 17, 22, 'storage.k8s.io/v1', 17),
  plain('storage.k8s.io/v1beta1', 'StorageClass', 'storageclasses', 19, 22, 'storage.k8s.io/v1', 6),
  plain('storage.k8s.io/v1beta1', 'VolumeAttachment', 'volumeattachments', 19, 22, 'storage.k8s.io/v1', 13),
  // 1.25
  plain('batch/v1beta1', 'CronJob', 'cronjobs', 21, 25, 'batch/v1', 21),
  {
    ...plain('discovery.k8s.io/v1beta1', 'EndpointSlice', 'endpointslices', 21, 25, 'discovery.k8s.io/v1', 21),
    fieldChanges: [
      { from: 'endpoints[].topology["kubernetes.io/hostname"]', to: 'endpoints[].nodeName', note: 'moved' },
      { from: 'endpoints[].topology["topology.kubernetes.io/zone"]', to: 'endpoints[].zone', note: 'moved' },
      { from: 'endpoints[].topology', to: 'endpoints[].deprecatedTopology', note: 'other keys are kept there; not written by the v1 API' },
    ],
  },
  {
    ...plain('events.k8s.io/v1beta1', 'Event', 'events', 22, 25, 'events.k8s.io/v1', 19),
    fieldChanges: [
      { from: 'type', to: 'type', note: 'limited to Normal and Warning' },
      { from: 'deprecatedFirstTimestamp, deprecatedLastTimestamp, deprecatedSource, deprecatedCount', to: '', note: 'must not be set by new writers' },
    ],
  },
  {
    ...plain('autoscaling/v2beta1', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', 22, 25, 'autoscaling/v2', 23),
    interim: [{ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', since: 12, until: 26 }],
    fieldChanges: HPA_V2_CHANGES,
  },
  {
    ...plain('policy/v1beta1', 'PodDisruptionBudget', 'poddisruptionbudgets', 21, 25, 'policy/v1', 21),
    fieldChanges: [
      { from: 'spec.selector', to: 'spec.selector', note: 'an empty selector ({}) now selects every pod in the namespace (v1beta1: none); a null selector still selects none' },
    ],
  },
  {
    apiVersion: 'policy/v1beta1',
    kind: 'PodSecurityPolicy',
    resource: 'podsecuritypolicies',
    deprecatedIn: 21,
    removedIn: 25,
    replacement: null,
    fieldChanges: [],
    advice: 'no replacement API: move to Pod Security Admission (namespace labels pod-security.kubernetes.io/*) or a policy engine before upgrading',
    source: guide(25),
  },
  plain('node.k8s.io/v1beta1', 'RuntimeClass', 'runtimeclasses', 22, 25, 'node.k8s.io/v1', 20),
  // 1.26
  { ...plain('autoscaling/v2beta2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', 23, 26, 'autoscaling/v2', 23) },
  { ...plain('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema', 'flowschemas', 23, 26, 'flowcontrol.apiserver.k8s.io/v1', 29), interim: flowcontrolInterim('FlowSchema') },
  {
    ...plain('flowcontrol.apiserver.k8s.io/v1beta1', 'PriorityLevelConfiguration', 'prioritylevelconfigurations', 23, 26, 'flowcontrol.apiserver.k8s.io/v1', 29),
    interim: flowcontrolInterim('PriorityLevelConfiguration'),
  },
  // 1.27
  plain('storage.k8s.io/v1beta1', 'CSIStorageCapacity', 'csistoragecapacities', 24, 27, 'storage.k8s.io/v1', 24),
  // 1.29
  { ...plain('flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema', 'flowschemas', 26, 29, 'flowcontrol.apiserver.k8s.io/v1', 29), interim: flowcontrolInterim('FlowSchema') },
  {
    ...plain('flowcontrol.apiserver.k8s.io/v1beta2', 'PriorityLevelConfiguration', 'prioritylevelconfigurations', 26, 29, 'flowcontrol.apiserver.k8s.io/v1', 29),
    interim: flowcontrolInterim('PriorityLevelConfiguration'),
  },
  // 1.32
  plain('flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema', 'flowschemas', 29, 32, 'flowcontrol.apiserver.k8s.io/v1', 29),
  {
    ...plain('flowcontrol.apiserver.k8s.io/v1beta3', 'PriorityLevelConfiguration', 'prioritylevelconfigurations', 29, 32, 'flowcontrol.apiserver.k8s.io/v1', 29),
    fieldChanges: [{ from: 'spec.limited.nominalConcurrencyShares', to: 'spec.limited.nominalConcurrencyShares', note: 'v1 keeps an explicit 0 (v1beta3 defaulted 0 to 30)' }],
  },
];

/** Every removal the knowledge base knows: the guide's and the alpha/off-by-default ones (apis-prerelease.ts). */
export const REMOVED_APIS: readonly RemovedApi[] = [...GUIDE_REMOVALS, ...PRERELEASE_REMOVALS];

const BY_KEY = new Map<string, RemovedApi>(REMOVED_APIS.map((a) => [`${a.apiVersion}/${a.kind}`, a]));

/** The removal entry for an apiVersion and kind, if that version was ever removed. */
export function removedApi(apiVersion: string, kind: string): RemovedApi | undefined {
  return BY_KEY.get(`${apiVersion}/${kind}`);
}

/** Is `apiVersion`/`kind` still served by a server of `minor`? (Unknown versions count as served.) */
export function servedAt(apiVersion: string, kind: string, minor: number): boolean {
  const e = removedApi(apiVersion, kind);
  return e === undefined || minor < e.removedIn;
}

/** The removal entries that matter for `resource` in `group/version` (RBAC, webhooks, metrics speak in resources). */
export function removedByResource(groupVersion: string, resource: string): RemovedApi | undefined {
  return REMOVED_APIS.find((a) => a.apiVersion === groupVersion && a.resource === resource);
}
