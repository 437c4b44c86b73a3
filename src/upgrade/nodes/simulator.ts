import type { V1Node } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/http.js';

/**
 * What `--simulate-version` needs from a simulated cluster. The node upgrade knows no simulator: the command
 * that starts a run passes one in (Plinth's local kwok clusters provide it: src/localenv/cluster/kwok/kubelet.ts).
 */
export interface KubeletSimulator {
  /** Why `node` cannot be upgraded by simulation (it is not a simulated node), or undefined when it can. */
  refuses(node: V1Node): string | undefined;
  /** Make the simulated node report kubelet (and kube-proxy) version `version`. */
  setKubeletVersion(client: KubeClient, node: string, version: string, signal: AbortSignal): Promise<void>;
}
