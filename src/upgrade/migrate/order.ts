/**
 * The order an import applies objects in: what others refer to comes first (CRDs, then namespaces,
 * cluster infrastructure, RBAC, configuration, claims, services, custom resources, workloads), and
 * what can block or reshape the rest (autoscalers, disruption budgets, ingresses, admission webhooks,
 * aggregated APIs) last, so that a webhook does not judge the import it is part of.
 */

export const STEPS = ['crds', 'namespaces', 'cluster', 'rbac', 'config', 'claims', 'services', 'custom', 'workloads', 'policy', 'owned'] as const;
export type Step = (typeof STEPS)[number];

/**
 * What each step needs applied before it starts. Steps whose needs are met run at the same time: config,
 * RBAC and services do not refer to each other, and a Service create is slow on its own (the API server
 * allocates its cluster IP in a short serial section), so it overlaps with the config maps and secrets.
 * Every need comes earlier in STEPS, so applying the steps one by one in STEPS order also satisfies it.
 */
export const NEEDS: Readonly<Record<Step, readonly Step[]>> = {
  crds: [],
  namespaces: [],
  cluster: ['namespaces'],
  rbac: ['namespaces', 'cluster'],
  config: ['namespaces'],
  claims: ['namespaces', 'cluster'],
  services: ['namespaces'],
  custom: ['crds', 'namespaces', 'cluster'],
  workloads: ['cluster', 'rbac', 'config', 'claims', 'services', 'custom'],
  policy: ['workloads'],
  owned: ['crds', 'namespaces', 'cluster', 'rbac', 'config', 'claims', 'services', 'custom', 'workloads', 'policy'],
};

const BY_KIND: Record<string, Step> = {
  'apiextensions.k8s.io/CustomResourceDefinition': 'crds',
  '/Namespace': 'namespaces',
  'scheduling.k8s.io/PriorityClass': 'cluster',
  'storage.k8s.io/StorageClass': 'cluster',
  'storage.k8s.io/CSIDriver': 'cluster',
  '/PersistentVolume': 'cluster',
  'node.k8s.io/RuntimeClass': 'cluster',
  'networking.k8s.io/IngressClass': 'cluster',
  'rbac.authorization.k8s.io/ClusterRole': 'rbac',
  'rbac.authorization.k8s.io/ClusterRoleBinding': 'rbac',
  'rbac.authorization.k8s.io/Role': 'rbac',
  'rbac.authorization.k8s.io/RoleBinding': 'rbac',
  '/ServiceAccount': 'rbac',
  '/ResourceQuota': 'rbac',
  '/LimitRange': 'rbac',
  'networking.k8s.io/NetworkPolicy': 'rbac',
  '/ConfigMap': 'config',
  '/Secret': 'config',
  '/PersistentVolumeClaim': 'claims',
  '/Service': 'services',
  '/Endpoints': 'services',
  'apps/Deployment': 'workloads',
  'apps/StatefulSet': 'workloads',
  'apps/DaemonSet': 'workloads',
  'apps/ReplicaSet': 'workloads',
  '/ReplicationController': 'workloads',
  '/Pod': 'workloads',
  '/PodTemplate': 'workloads',
  'batch/Job': 'workloads',
  'batch/CronJob': 'workloads',
  'autoscaling/HorizontalPodAutoscaler': 'policy',
  'policy/PodDisruptionBudget': 'policy',
  'policy/PodSecurityPolicy': 'policy',
  'networking.k8s.io/Ingress': 'policy',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': 'policy',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': 'policy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': 'policy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding': 'policy',
  'apiregistration.k8s.io/APIService': 'policy',
  'flowcontrol.apiserver.k8s.io/FlowSchema': 'policy',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration': 'policy',
};

/** Built-in groups: their unknown kinds go with the cluster infrastructure, not the custom resources. */
function builtinGroup(group: string): boolean {
  return group === '' || group.endsWith('.k8s.io') || !group.includes('.');
}

/** The step of an object given its apiVersion and kind (and whether it has owner references). */
export function stepOf(apiVersion: string, kind: string, hasOwners = false): Step {
  if (hasOwners) return 'owned';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return BY_KIND[`${group}/${kind}`] ?? (builtinGroup(group) ? 'cluster' : 'custom');
}
