// The sample deliveries `plinth up --members` creates on the hub, so that a newcomer's first push to the local Git
// server reaches the members: the sample repository's base on the province members and its edge overlay (a
// Kustomize overlay) on the edge members. Created once; a person's later edits are kept.
import { isAlreadyExists } from '../../../kube/api-error.js';
import { KubeClient } from '../../../kube/http.js';
import { loadKubeConfig } from '../../../kube/kubeconfig.js';
import { ref } from '../../../kube/resource.js';
import { FLEET_GROUP, FLEET_VERSION } from '../../../api/index.js';

export const SAMPLE_NAMESPACE = 'fleet-sample';
const GV = `${FLEET_GROUP}/${FLEET_VERSION}`;

/** The objects, in creation order (pure, for tests and docs). */
export function sampleObjects(gitUrl: string): { resource: ReturnType<typeof ref>; body: Record<string, unknown> }[] {
  const meta = (name: string): Record<string, unknown> => ({ name, namespace: SAMPLE_NAMESPACE, labels: { 'app.kubernetes.io/created-by': 'plinth-up' } });
  const delivery = (name: string, path: string, tier: string): Record<string, unknown> => ({
    apiVersion: GV,
    kind: 'FleetDelivery',
    metadata: meta(name),
    spec: { sourceRef: { name: 'sample' }, path, placement: { clusterSelector: { matchLabels: { tier } } } },
  });
  return [
    { resource: ref('v1', 'namespaces'), body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SAMPLE_NAMESPACE } } },
    {
      resource: ref(GV, 'gitsources', SAMPLE_NAMESPACE),
      body: { apiVersion: GV, kind: 'GitSource', metadata: meta('sample'), spec: { url: gitUrl, ref: { branch: 'main' }, interval: '30s' } },
    },
    { resource: ref(GV, 'fleetdeliveries', SAMPLE_NAMESPACE), body: delivery('sample-province', 'base', 'province') },
    { resource: ref(GV, 'fleetdeliveries', SAMPLE_NAMESPACE), body: delivery('sample-edge', 'overlays/edge', 'edge') },
  ];
}

/** Creates the sample GitSource and deliveries on the hub unless they exist. */
export async function applySampleDeliveries(hubKubeconfig: string, gitUrl: string): Promise<void> {
  const client = await KubeClient.fromKubeConfig(loadKubeConfig({ kubeconfig: hubKubeconfig }));
  try {
    for (const { resource, body } of sampleObjects(gitUrl)) {
      await client.create(resource, body).catch((err: unknown) => {
        if (!isAlreadyExists(err)) throw err;
      });
    }
  } finally {
    client.close();
  }
}
