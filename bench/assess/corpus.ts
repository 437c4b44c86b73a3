/**
 * Objects of realistic sizes for the assess benchmark (issue #22 point 1), as found in public repositories:
 * many small RBAC objects and Services, workloads of a few KB, ConfigMaps that are mostly small but sometimes
 * carry a big data block (a dashboard, a config file), and CRDs whose OpenAPI schemas run from 10 KB to 1 MB
 * (operator bundles: prometheus-operator's and Crossplane providers' CRDs reach several hundred KB). Deterministic: the same seed gives the same corpus.
 */
import { prng } from '../../test/support/prng.js';

/** The corpus's random source (seeded, so every run makes the same files). */
export const rng = prng;

export type Rand = () => number;
/** Log-uniform between lo and hi: sizes of real files spread over orders of magnitude. */
export const logUniform = (r: Rand, lo: number, hi: number): number => Math.round(Math.exp(Math.log(lo) + r() * (Math.log(hi) - Math.log(lo))));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const WORDS = ['the', 'name', 'of', 'resource', 'controller', 'field', 'must', 'be', 'set', 'when', 'value', 'is', 'spec', 'status', 'reference', 'selector', 'default', 'optional', 'template', 'container'];
const sentence = (r: Rand, n: number): string => Array.from({ length: n }, () => pick(r, WORDS)).join(' ');

const meta = (kind: string, name: string, ns: string | undefined): Record<string, unknown> => ({ name, ...(ns ? { namespace: ns } : {}), labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': kind.toLowerCase() } });

function schema(r: Rand, bytes: number, depth = 0): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const d = sentence(r, 8 + Math.floor(r() * 30));
    const nested = depth < 4 && r() < 0.25 && bytes - size > 2000;
    const sub = nested ? schema(r, Math.min(bytes - size, 2000 + r() * (bytes - size) * 0.4), depth + 1) : undefined;
    props[`field${i}${pick(r, WORDS)}`] = sub ? { type: 'object', description: d, properties: sub } : { type: pick(r, ['string', 'integer', 'boolean']), description: d, ...(r() < 0.2 ? { format: 'int32' } : {}) };
    size += d.length + 60 + (sub ? JSON.stringify(sub).length : 0);
  }
  return props;
}

function crd(r: Rand, i: number, removed: boolean): Record<string, unknown> {
  const group = `g${i % 97}.example.com`;
  const kind = `Widget${i}`;
  const props = schema(r, logUniform(r, 10_000, 1_000_000));
  const openAPIV3Schema = { type: 'object', properties: { spec: { type: 'object', properties: props }, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } };
  if (removed) {
    return { apiVersion: 'apiextensions.k8s.io/v1beta1', kind: 'CustomResourceDefinition', metadata: { name: `widget${i}s.${group}` }, spec: { group, names: { kind, plural: `widget${i}s` }, scope: 'Namespaced', version: 'v1', validation: { openAPIV3Schema } } };
  }
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `widget${i}s.${group}` }, spec: { group, names: { kind, plural: `widget${i}s` }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema } }] } };
}

function configMap(r: Rand, i: number, ns: string): Record<string, unknown> {
  const data: Record<string, string> = {};
  if (r() < 0.05) {
    // A dashboard or config file: one big block.
    const lines: string[] = [];
    const want = logUniform(r, 8_000, 300_000);
    for (let n = 0; n < want; n += 60) lines.push(`  "${pick(r, WORDS)}_${n}": "${sentence(r, 6)}",`);
    data[`dashboard-${i}.json`] = `{\n${lines.join('\n')}\n  "end": true\n}\n`;
  } else {
    for (let k = 0, n = 2 + Math.floor(r() * 12); k < n; k++) data[`KEY_${k}_${pick(r, WORDS).toUpperCase()}`] = r() < 0.3 ? `${sentence(r, 4)}\n${sentence(r, 6)}\n` : pick(r, ['info', 'true', '8080', sentence(r, 3)]);
  }
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('ConfigMap', `cfg-${i}`, ns), data };
}

function container(r: Rand, i: number, c: number): Record<string, unknown> {
  const env = Array.from({ length: Math.floor(r() * 15) }, (_, k) => (r() < 0.3 ? { name: `ENV_${k}`, valueFrom: { secretKeyRef: { name: `sec-${i}`, key: `k${k}` } } } : { name: `ENV_${k}`, value: sentence(r, 2) }));
  return {
    name: c === 0 ? 'main' : `side${c}`,
    image: `registry.example.com/team/app-${i % 300}:${i % 17}.${i % 5}.0`,
    ports: [{ containerPort: 8080, name: 'http' }],
    env,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 },
    volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
  };
}

function workload(r: Rand, i: number, ns: string): Record<string, unknown> {
  const kind = pick(r, ['Deployment', 'Deployment', 'Deployment', 'StatefulSet', 'DaemonSet']);
  const labels = { app: `app-${i}` };
  const spec = { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { serviceAccountName: `sa-${i}`, containers: Array.from({ length: 1 + Math.floor(r() * 2.5) }, (_, c) => container(r, i, c)), volumes: [{ name: 'config', configMap: { name: `cfg-${i}` } }] } } };
  return { apiVersion: 'apps/v1', kind, metadata: meta(kind, `app-${i}`, ns), spec: kind === 'DaemonSet' ? spec : { replicas: 2, ...spec } };
}

function rbac(r: Rand, i: number, ns: string): Record<string, unknown> {
  const k = pick(r, ['ServiceAccount', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);
  if (k === 'ServiceAccount') return { apiVersion: 'v1', kind: k, metadata: { name: `sa-${i}`, namespace: ns } };
  if (k === 'Role' || k === 'ClusterRole') {
    const rules = Array.from({ length: 1 + Math.floor(r() * 6) }, () => ({ apiGroups: [pick(r, ['', 'apps', 'batch', 'networking.k8s.io'])], resources: [pick(r, ['pods', 'configmaps', 'secrets', 'deployments', 'jobs', 'ingresses'])], verbs: ['get', 'list', 'watch'] }));
    return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: k, metadata: { name: `role-${i}`, ...(k === 'Role' ? { namespace: ns } : {}) }, rules };
  }
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: k, metadata: { name: `bind-${i}`, ...(k === 'RoleBinding' ? { namespace: ns } : {}) }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `role-${i}` }, subjects: [{ kind: 'ServiceAccount', name: `sa-${i}`, namespace: ns }] };
}

function removedObject(r: Rand, i: number, ns: string): Record<string, unknown> {
  switch (i % 4) {
    case 0:
      return { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: meta('CronJob', `job-${i}`, ns), spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [container(r, i, 0)] } } } } } };
    case 1:
      return { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: meta('PodDisruptionBudget', `pdb-${i}`, ns), spec: { minAvailable: 1, selector: { matchLabels: { app: `app-${i}` } } } };
    case 2:
      return { apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: meta('Ingress', `ing-${i}`, ns), spec: { rules: [{ host: `app-${i}.example.com`, http: { paths: [{ path: '/', backend: { serviceName: `app-${i}`, servicePort: 80 } }] } }] } };
    default:
      return { apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: meta('HorizontalPodAutoscaler', `hpa-${i}`, ns), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: `app-${i}` }, minReplicas: 2, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] } };
  }
}

/**
 * Object number `i`: about 2% on removed APIs (every 50th), 1% CRDs (a fifth of them v1beta1, also removed),
 * 10% ConfigMaps (5% of them with a big data block), 20% workloads, 35% RBAC, the rest Services and Secrets.
 */
export function makeObject(r: Rand, i: number): { obj: Record<string, unknown>; removed: boolean } {
  const ns = `team-${i % 50}`;
  if (i % 50 === 0) return { obj: removedObject(r, i / 50, ns), removed: true };
  if (i % 100 === 7) {
    const old = i % 500 === 7;
    return { obj: crd(r, i, old), removed: old };
  }
  const x = r();
  if (x < 0.1) return { obj: configMap(r, i, ns), removed: false };
  if (x < 0.3) return { obj: workload(r, i, ns), removed: false };
  if (x < 0.65) return { obj: rbac(r, i, ns), removed: false };
  if (x < 0.9) return { obj: { apiVersion: 'v1', kind: 'Service', metadata: meta('Service', `app-${i}`, ns), spec: { selector: { app: `app-${i}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } }, removed: false };
  return { obj: { apiVersion: 'v1', kind: 'Secret', metadata: meta('Secret', `sec-${i}`, ns), type: 'Opaque', data: { password: Buffer.from(sentence(r, 3)).toString('base64') } }, removed: false };
}
