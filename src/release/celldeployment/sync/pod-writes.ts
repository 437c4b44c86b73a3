import type { V1Pod } from '@kubernetes/client-node';
import { isNotFound } from '../../../kube/api-error.js';
import type { KubeClient } from '../../../kube/http.js';
import { inNamespace, type ResourceRef } from '../../../kube/resource.js';
import type { ImageChange } from '../../plan/index.js';
import { FIELD_MANAGER, KEYS, RES } from '../../keys.js';
import { orGone } from '../../pod/writes.js';

// The drain and admit writes of the lossless sequence live in src/release/pod/writes.ts (shared with the
// SidecarSet upgrade); re-exported here for the CellDeployment's sync steps.
export { admitPod, drainPod } from '../../pod/writes.js';

/**
 * The controller's writes to pods, one request each. Each returns the pod as the API server stored it (for
 * the version expectations), or undefined when the pod is already gone.
 */

function podsIn(pod: V1Pod): ResourceRef {
  return inNamespace(RES.pods, pod.metadata?.namespace);
}

/**
 * Changes container images in place and moves the revision label, in one patch (so the label never says a
 * revision the containers do not run, and a retried patch changes nothing). The kubelet restarts just
 * those containers.
 */
export function patchImages(client: KubeClient, pod: V1Pod, images: readonly ImageChange[], revision: string, signal: AbortSignal): Promise<V1Pod | undefined> {
  const patch = {
    metadata: { labels: { [KEYS.revision]: revision } },
    spec: { containers: images.map((i) => ({ name: i.container, image: i.image })) },
  };
  return orGone(client.patch<V1Pod>(podsIn(pod), pod.metadata?.name ?? '', patch, 'strategic', { fieldManager: FIELD_MANAGER, signal }));
}

/** Deletes this very pod (UID precondition: never a successor of the same name). The finalizer keeps it until released. */
export async function deletePod(client: KubeClient, pod: V1Pod, signal: AbortSignal): Promise<V1Pod | undefined> {
  const uid = pod.metadata?.uid;
  try {
    return await client.delete<V1Pod>(podsIn(pod), pod.metadata?.name ?? '', { preconditions: uid ? { uid } : undefined, signal });
  } catch (err) {
    if (isNotFound(err) || (err as { status?: number }).status === 409) return undefined;
    throw err;
  }
}

/**
 * Removes the protect finalizer. A JSON patch that tests the entry first, so a concurrent change to the
 * finalizer list fails (and is retried) instead of removing someone else's finalizer.
 */
export function releaseFinalizer(client: KubeClient, pod: V1Pod, signal: AbortSignal): Promise<V1Pod | undefined> {
  const i = (pod.metadata?.finalizers ?? []).indexOf(KEYS.finalizer);
  if (i < 0) return Promise.resolve(pod);
  const patch = [
    { op: 'test', path: `/metadata/finalizers/${i}`, value: KEYS.finalizer },
    { op: 'remove', path: `/metadata/finalizers/${i}` },
  ];
  return orGone(client.patch<V1Pod>(podsIn(pod), pod.metadata?.name ?? '', patch, 'json', { fieldManager: FIELD_MANAGER, signal }));
}

export function createPod(client: KubeClient, pod: V1Pod, signal: AbortSignal): Promise<V1Pod> {
  return client.create<V1Pod>(podsIn(pod), pod, { fieldManager: FIELD_MANAGER, signal });
}
