import type { V1Node } from '@kubernetes/client-node';
import type { KubeClient } from '../../../kube/http.js';
import { CORE } from '../../../kube/resource.js';
import { KWOK_NODE_ANNOTATION, KWOK_NODE_VALUE, NODE_KUBELET_VERSION_ANNOTATION } from './annotations.js';

/**
 * The simulated kubelet of Plinth's local clusters, as `plinth upgrade nodes --simulate-version` drives it
 * (the shape of src/upgrade/nodes/simulator.ts `KubeletSimulator`).
 */
export const kwokKubelet = {
  /** Only the nodes kwok manages (those with its annotation) are simulated. */
  refuses(node: V1Node): string | undefined {
    if (node.metadata?.annotations?.[KWOK_NODE_ANNOTATION] === KWOK_NODE_VALUE) return undefined;
    return `not a simulated node (no ${KWOK_NODE_ANNOTATION}=${KWOK_NODE_VALUE} annotation): --simulate-version works on local clusters only`;
  },

  /**
   * As LocalCluster.setNodeKubeletVersion: the annotation the simulated kubelet reads (it keeps the version across
   * kwok restarts), then the node's status.
   */
  async setKubeletVersion(client: KubeClient, node: string, version: string, signal: AbortSignal): Promise<void> {
    await client.patch(CORE.nodes, node, { metadata: { annotations: { [NODE_KUBELET_VERSION_ANNOTATION]: version } } }, 'merge', { signal });
    await client.patch(CORE.nodes, node, { status: { nodeInfo: { kubeletVersion: version, kubeProxyVersion: version } } }, 'merge', {
      subresource: 'status',
      signal,
    });
  },
};
