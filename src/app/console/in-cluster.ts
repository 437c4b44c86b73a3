/**
 * `plinth console` in a Pod (deploy/console): with no --kubeconfig and no $KUBECONFIG, inside a cluster (the
 * kubelet sets KUBERNETES_SERVICE_HOST and mounts the ServiceAccount token), the console uses its
 * ServiceAccount, as client-go's in-cluster config does.
 */
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';

export const SA_TOKEN_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Pure: whether the console runs in a Pod and was given no kubeconfig. */
export function wantsInCluster(flags: { kubeconfig?: string }, env: NodeJS.ProcessEnv, tokenExists: boolean): boolean {
  return !flags.kubeconfig && !env.KUBECONFIG && Boolean(env.KUBERNETES_SERVICE_HOST) && tokenExists;
}

/** The in-cluster KubeConfig, or undefined outside a Pod (or when a kubeconfig was given). */
export function inClusterKubeConfig(flags: { kubeconfig?: string }, env: NodeJS.ProcessEnv = process.env): KubeConfig | undefined {
  if (!wantsInCluster(flags, env, existsSync(SA_TOKEN_FILE))) return undefined;
  const kc = new KubeConfig();
  kc.loadFromCluster();
  return kc;
}
