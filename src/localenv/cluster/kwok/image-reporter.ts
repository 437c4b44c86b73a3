import type { V1ContainerImage, V1Node, V1Pod } from '@kubernetes/client-node';
import { isConflict, isNotFound } from '../../../kube/api-error.js';
import type { KubeClient } from '../../../kube/http.js';
import { Informer } from '../../../kube/informer.js';
import { logger } from '../../../kube/log.js';
import { CORE, ref, type KubeObject } from '../../../kube/resource.js';
import { KWOK_NODE_ANNOTATION, KWOK_NODE_VALUE } from './annotations.js';

const log = logger('kwok-images');

/** The label Plinth's image pull pods carry (src/release/prewarm/pull-pod.ts PULL_POD_LABEL). */
export const PULL_POD_LABEL = 'apps.plinth.dev/prewarm-pull';
/** The init container that pulls (pull-pod.ts PULL_CONTAINER). */
const PULL_CONTAINER = 'pull';
/** What the simulated node reports an image's size as. */
const SIMULATED_SIZE = 10 * 1024 * 1024;

type PodObject = V1Pod & KubeObject;

/** The image a pull pod pulled, once its (simulated) kubelet says so: the init container ran or failed after the pull. */
export function pulledImage(pod: V1Pod): { image: string; imageID: string } | undefined {
  const st = pod.status?.initContainerStatuses?.find((s) => s.name === PULL_CONTAINER);
  if (!st || !(st.state?.terminated || st.state?.running)) return undefined;
  const image = pod.spec?.initContainers?.find((c) => c.name === PULL_CONTAINER)?.image ?? st.image;
  return image ? { image, imageID: st.imageID } : undefined;
}

/** A node's status.images with `image` added (undefined when it is listed already). */
export function withImage(node: V1Node, image: string, imageID: string): V1ContainerImage[] | undefined {
  const images = node.status?.images ?? [];
  if (images.some((i) => i.names?.includes(image))) return undefined;
  const names = imageID && imageID !== image ? [imageID, image] : [image];
  return [...images, { names, sizeBytes: SIMULATED_SIZE }];
}

/**
 * The part of the simulated kubelet kwok cannot play: a kwok stage only changes the object it matches, so it can
 * end a pull pod (plinth-pod-pull, after PLINTH_KWOK_PULL_MS) but not add the image to the node's status.images,
 * which a real kubelet reports on its next node status update. This watcher does that for pull pods on kwok
 * nodes: once the pod's pull container ran, the node lists the image (read-modify-write with the node's
 * resourceVersion; kwok's node stages patch other status fields and leave images alone).
 * Resolves when `signal` aborts.
 */
export async function runKwokImageReporter(client: KubeClient, signal: AbortSignal): Promise<void> {
  const pods = new Informer<PodObject>({ client, resource: ref('v1', 'pods'), name: 'kwok-pull-pods', labelSelector: PULL_POD_LABEL });
  const done = new Set<string>();
  let chain: Promise<void> = Promise.resolve();
  const report = (pod: PodObject): void => {
    const pulled = pulledImage(pod);
    const node = pod.spec?.nodeName;
    if (!pulled || !node) return;
    const key = `${node}\u0000${pulled.image}`;
    if (done.has(key)) return;
    done.add(key);
    chain = chain.then(() => addImage(client, node, pulled.image, pulled.imageID, signal)).catch((err: unknown) => {
      done.delete(key);
      if (!signal.aborted) log.warn({ err, node, image: pulled.image }, 'could not report a pulled image on the node');
    });
  };
  pods.addHandler({ onAdd: report, onUpdate: (_old, p) => report(p) });
  pods.start();
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await pods.stop();
  await chain;
}

async function addImage(client: KubeClient, name: string, image: string, imageID: string, signal: AbortSignal): Promise<void> {
  for (let attempt = 0; attempt < 10 && !signal.aborted; attempt++) {
    let node: V1Node & KubeObject;
    try {
      node = await client.get<V1Node & KubeObject>(CORE.nodes, name, { signal });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    // Only simulated nodes: a real node's kubelet reports its own images.
    if (node.metadata?.annotations?.[KWOK_NODE_ANNOTATION] !== KWOK_NODE_VALUE) return;
    const images = withImage(node, image, imageID);
    if (images === undefined) return;
    try {
      await client.patch(CORE.nodes, name, { metadata: { resourceVersion: node.metadata?.resourceVersion }, status: { images } }, 'merge', {
        subresource: 'status',
        signal,
      });
      return;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
}
