// What the bench delivers: a small application directory (a Namespace, a ConfigMap and a Deployment) whose
// revision `n` changes a ConfigMap value and the Deployment's image, and the test of "revision n is applied and
// healthy" on a member. Plain YAML, no kustomization.yaml: Plinth renders the directory as it is and Flux's
// kustomize-controller generates the kustomization it needs, so both read the same files.

export const WORKLOAD_NAMESPACE = 'fleet-bench';
export const WORKLOAD_PATH = 'apps/web';
export const CONFIGMAP_NAME = 'web-config';
export const DEPLOYMENT_NAME = 'web';
export const WORKLOAD_REPLICAS = 2;

export function imageFor(revision: number): string {
  return `registry.example.com/shop/web:1.0.${revision}`;
}

/** The repository files (path -> content) of revision `revision`. */
export function workloadFiles(revision: number): Record<string, string> {
  const ns = WORKLOAD_NAMESPACE;
  return {
    [`${WORKLOAD_PATH}/namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`,
    [`${WORKLOAD_PATH}/configmap.yaml`]: [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: ${CONFIGMAP_NAME}`,
      `  namespace: ${ns}`,
      'data:',
      `  revision: "${revision}"`,
      '',
    ].join('\n'),
    [`${WORKLOAD_PATH}/deployment.yaml`]: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: ${DEPLOYMENT_NAME}`,
      `  namespace: ${ns}`,
      'spec:',
      `  replicas: ${WORKLOAD_REPLICAS}`,
      '  selector:',
      '    matchLabels: {app: web}',
      '  template:',
      '    metadata:',
      '      labels: {app: web}',
      '    spec:',
      '      terminationGracePeriodSeconds: 0',
      '      containers:',
      '        - name: web',
      `          image: ${imageFor(revision)}`,
      '          resources:',
      '            requests: {cpu: 10m, memory: 16Mi}',
      '',
    ].join('\n'),
  };
}

export interface ConfigMapLike {
  data?: Record<string, string>;
}

export interface DeploymentLike {
  metadata?: { generation?: number };
  spec?: { replicas?: number; template?: { spec?: { containers?: { name: string; image?: string }[] } } };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number };
}

/** The ConfigMap carries revision `revision`. */
export function configMapAt(cm: ConfigMapLike | undefined, revision: number): boolean {
  return cm?.data?.['revision'] === String(revision);
}

/**
 * The Deployment runs revision `revision`'s image and has finished rolling it out (kubectl rollout status's
 * test: observed the current generation, every replica updated and available, no old replica left).
 */
export function deploymentHealthyAt(dep: DeploymentLike | undefined, revision: number): boolean {
  if (!dep?.metadata || !dep.spec || !dep.status) return false;
  const image = dep.spec.template?.spec?.containers?.find((c) => c.name === 'web')?.image;
  if (image !== imageFor(revision)) return false;
  const want = dep.spec.replicas ?? 1;
  const s = dep.status;
  return (
    (s.observedGeneration ?? 0) >= (dep.metadata.generation ?? 1) &&
    (s.updatedReplicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want
  );
}
