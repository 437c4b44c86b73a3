import type { Converter } from './types.js';
import { appsConverter } from './apps.js';
import { crdConverter } from './crd.js';
import { csrConverter } from './csr.js';
import { endpointSliceConverter } from './endpointslice.js';
import { eventConverter } from './events.js';
import { flowControlConverter } from './flowcontrol.js';
import { hpaConverter } from './hpa.js';
import { ingressConverter } from './ingress.js';
import { pdbConverter } from './pdb.js';
import { plainConverter } from './plain.js';
import { reviewConverter } from './reviews.js';
import { runtimeClassAlphaConverter } from './runtimeclass.js';
import { extensionsJobConverter } from './job.js';
import { webhookConverter } from './webhooks.js';

/**
 * The converter for each removed `apiVersion/kind` (the keys of the knowledge base's REMOVED_APIS that
 * have a replacement). A test checks that every such entry is here.
 */
const CONVERTERS: ReadonlyArray<readonly [readonly string[], readonly string[], Converter]> = [
  [['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'], ['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'], appsConverter],
  [['extensions/v1beta1', 'networking.k8s.io/v1beta1'], ['Ingress'], ingressConverter],
  [['extensions/v1beta1'], ['NetworkPolicy', 'PodSecurityPolicy'], plainConverter],
  [['admissionregistration.k8s.io/v1beta1'], ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], webhookConverter],
  [['apiextensions.k8s.io/v1beta1'], ['CustomResourceDefinition'], crdConverter],
  [['apiregistration.k8s.io/v1beta1'], ['APIService'], plainConverter],
  [['authentication.k8s.io/v1beta1'], ['TokenReview'], reviewConverter],
  [
    ['authorization.k8s.io/v1beta1'],
    ['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
    reviewConverter,
  ],
  [['certificates.k8s.io/v1beta1'], ['CertificateSigningRequest'], csrConverter],
  [['coordination.k8s.io/v1beta1'], ['Lease'], plainConverter],
  [['networking.k8s.io/v1beta1'], ['IngressClass'], plainConverter],
  [['rbac.authorization.k8s.io/v1beta1'], ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], plainConverter],
  [['scheduling.k8s.io/v1beta1'], ['PriorityClass'], plainConverter],
  [['storage.k8s.io/v1beta1'], ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment', 'CSIStorageCapacity'], plainConverter],
  [['batch/v1beta1'], ['CronJob'], plainConverter],
  [['discovery.k8s.io/v1beta1'], ['EndpointSlice'], endpointSliceConverter],
  [['events.k8s.io/v1beta1'], ['Event'], eventConverter],
  [['autoscaling/v2beta1', 'autoscaling/v2beta2'], ['HorizontalPodAutoscaler'], hpaConverter],
  [['policy/v1beta1'], ['PodDisruptionBudget'], pdbConverter],
  [['node.k8s.io/v1beta1'], ['RuntimeClass'], plainConverter],
  [
    ['flowcontrol.apiserver.k8s.io/v1beta1', 'flowcontrol.apiserver.k8s.io/v1beta2', 'flowcontrol.apiserver.k8s.io/v1beta3'],
    ['FlowSchema', 'PriorityLevelConfiguration'],
    flowControlConverter,
  ],
  // Alpha and off-by-default beta versions (kb/apis-prerelease.ts).
  [['batch/v2alpha1'], ['CronJob'], plainConverter],
  [['discovery.k8s.io/v1alpha1'], ['EndpointSlice'], endpointSliceConverter],
  [['flowcontrol.apiserver.k8s.io/v1alpha1'], ['FlowSchema', 'PriorityLevelConfiguration'], flowControlConverter],
  [['rbac.authorization.k8s.io/v1alpha1'], ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], plainConverter],
  [['scheduling.k8s.io/v1alpha1'], ['PriorityClass'], plainConverter],
  [['node.k8s.io/v1alpha1'], ['RuntimeClass'], runtimeClassAlphaConverter],
  [['extensions/v1beta1'], ['Job'], extensionsJobConverter],
  [['storage.k8s.io/v1alpha1'], ['VolumeAttachment', 'CSIStorageCapacity'], plainConverter],
  [['apps/v1beta1', 'apps/v1beta2'], ['ControllerRevision'], plainConverter],
  [['networking.k8s.io/v1alpha1'], ['IPAddress', 'ServiceCIDR'], plainConverter],
  [['admissionregistration.k8s.io/v1alpha1', 'admissionregistration.k8s.io/v1beta1'], ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'], plainConverter],
  [['authentication.k8s.io/v1alpha1', 'authentication.k8s.io/v1beta1'], ['SelfSubjectReview'], plainConverter],
  [['coordination.k8s.io/v1alpha1'], ['LeaseCandidate'], plainConverter],
];

const BY_KEY = new Map<string, Converter>(CONVERTERS.flatMap(([versions, kinds, c]) => versions.flatMap((v) => kinds.map((k) => [`${v}/${k}`, c] as const))));

/** The converter for a removed apiVersion and kind, if there is one. */
export function converterFor(apiVersion: string, kind: string): Converter | undefined {
  return BY_KEY.get(`${apiVersion}/${kind}`);
}

/**
 * Versions a removed API's replacement was not yet served in: for these targets the object moves to an
 * intermediate version that is. flowcontrol v1 is served from 1.29, but v1beta1 stopped in 1.26 and
 * v1beta2 in 1.29; v1beta3 (1.26–1.31) bridges the gap.
 */
export function intermediateVersion(apiVersion: string, kind: string, targetMinor: number): string | undefined {
  if (apiVersion.startsWith('flowcontrol.apiserver.k8s.io/') && (kind === 'FlowSchema' || kind === 'PriorityLevelConfiguration')) {
    if (targetMinor >= 26 && targetMinor < 29) return 'flowcontrol.apiserver.k8s.io/v1beta3';
  }
  return undefined;
}
