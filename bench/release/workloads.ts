// The three workloads the release bench compares, at equal concurrency: a CellDeployment (in place, batches of
// `batch`), a Deployment (RollingUpdate maxSurge 0, maxUnavailable `batch`) and the same Deployment with the
// usual preStop sleep workaround. Each has its own namespace and a Service selecting its pods.
import type { CellDeployment } from '../../src/api/index.js';
import type { KubeClient } from '../../src/kube/http.js';
import { inNamespace, ref, type ResourceRef } from '../../src/kube/resource.js';
import { RELEASE_API_VERSION, RES } from '../../src/release/keys.js';
import { PRESTOP_FINALIZER } from './prestop.js';

export const APP = 'web';
export const IMAGE_1 = 'registry.example.com/shop/web:1.0.0';
export const IMAGE_2 = 'registry.example.com/shop/web:1.0.1';

export type WorkloadName = 'CellDeployment' | 'Deployment' | 'Deployment+preStop';

export interface Workload {
  name: WorkloadName;
  namespace: string;
  res: ResourceRef;
  /** The object at revision 1 with `replicas` pods. */
  manifest(replicas: number): Record<string, unknown>;
  /** The merge patch that changes the image (and nothing else) of its template. */
  imagePatch(image: string): unknown;
  /** Whether the object shows `replicas` pods, all updated and ready, at generation `generation` or later. */
  done(obj: unknown, generation: number, replicas: number): boolean;
}

export interface WorkloadOptions {
  batch: number;
  preStopSeconds: number;
}

function container(image: string): Record<string, unknown> {
  return { name: 'web', image, ports: [{ name: 'http', containerPort: 8080 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } };
}

/** The pod template every workload runs (the CellDeployment adds its gate, finalizer and unit affinity). */
function template(image: string): Record<string, unknown> {
  return { metadata: { labels: { app: APP } }, spec: { containers: [container(image)] } };
}

/** A merge patch of the containers (the only container, by name), for the image change. */
export function imagePatch(image: string): unknown {
  return { spec: { template: { spec: { containers: [container(image)] } } } };
}

interface DeploymentLike {
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
}

function deploymentDone(obj: unknown, generation: number, replicas: number): boolean {
  const s = (obj as DeploymentLike).status;
  return !!s && (s.observedGeneration ?? 0) >= generation && s.replicas === replicas && s.updatedReplicas === replicas && s.availableReplicas === replicas;
}

function cellDeploymentDone(obj: unknown, generation: number, replicas: number): boolean {
  const s = (obj as CellDeployment).status;
  return (
    !!s &&
    (s.observedGeneration ?? 0) >= generation &&
    s.phase === 'Completed' &&
    s.replicas === replicas &&
    s.readyReplicas === replicas &&
    s.updatedReplicas === replicas
  );
}

function deployment(namespace: string, replicas: number, batch: number, tpl: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: APP, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: APP } },
      template: tpl,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: batch } },
    },
  };
}

/** The usual workaround: sleep in preStop so kube-proxy drops the endpoint before the process stops. */
function preStopTemplate(image: string, seconds: number): Record<string, unknown> {
  const t = template(image) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  return {
    metadata: { ...t.metadata, finalizers: [PRESTOP_FINALIZER] },
    spec: {
      ...t.spec,
      containers: [{ ...container(image), lifecycle: { preStop: { exec: { command: ['sh', '-c', `sleep ${seconds}`] } } } }],
      terminationGracePeriodSeconds: seconds + 30,
    },
  };
}

/** A merge patch of the preStop workload's containers (keeps its lifecycle hook). */
function preStopImagePatch(image: string, seconds: number): unknown {
  return { spec: { template: { spec: { containers: (preStopTemplate(image, seconds)['spec'] as { containers: unknown[] }).containers } } } };
}

export function workloads(o: WorkloadOptions): Workload[] {
  const cdNs = 'bench-cd';
  const depNs = 'bench-deploy';
  const preNs = 'bench-prestop';
  return [
    {
      name: 'CellDeployment',
      namespace: cdNs,
      res: inNamespace(RES.cellDeployments, cdNs),
      manifest: (replicas) => ({
        apiVersion: RELEASE_API_VERSION,
        kind: 'CellDeployment',
        metadata: { name: APP, namespace: cdNs },
        spec: {
          replicas,
          selector: { matchLabels: { app: APP } },
          template: template(IMAGE_1),
          topology: { unitKey: 'topology.kubernetes.io/zone', units: ['zone-a', 'zone-b', 'zone-c'] },
          strategy: { type: 'InPlaceIfPossible', beta: true, batchSize: o.batch, needConfirm: false, pauseSeconds: 0, drainSeconds: 0 },
          paused: false,
          revisionHistoryLimit: 10,
        },
      }),
      imagePatch,
      done: cellDeploymentDone,
    },
    {
      name: 'Deployment',
      namespace: depNs,
      res: inNamespace(ref('apps/v1', 'deployments'), depNs),
      manifest: (replicas) => deployment(depNs, replicas, o.batch, template(IMAGE_1)),
      imagePatch,
      done: deploymentDone,
    },
    {
      name: 'Deployment+preStop',
      namespace: preNs,
      res: inNamespace(ref('apps/v1', 'deployments'), preNs),
      manifest: (replicas) => deployment(preNs, replicas, o.batch, preStopTemplate(IMAGE_1, o.preStopSeconds)),
      imagePatch: (image) => preStopImagePatch(image, o.preStopSeconds),
      done: deploymentDone,
    },
  ];
}

/** Creates the namespace and the Service that makes the EndpointSlice controller list the workload's pods. */
export async function createNamespaceAndService(client: KubeClient, namespace: string): Promise<void> {
  await client.create(ref('v1', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await client.create(inNamespace(ref('v1', 'services'), namespace), {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: APP, namespace },
    spec: { selector: { app: APP }, ports: [{ port: 80, targetPort: 8080 }] },
  });
}
