/**
 * openClient: the one way every command opens a Kubernetes client from kubectl-style flags.
 *
 * Which kubeconfig: `--kubeconfig`, else `$KUBECONFIG`, else the local cluster `plinth up` started
 * (so the quick start needs no export), else `~/.kube/config`; then `--context`; the namespace is
 * `-n`, else the context's namespace, else `default`, as kubectl decides it.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlinthError } from '../errors/index.js';
import { DEFAULT_LOCAL_CLUSTER, LOCAL_CLUSTER_RECORD, localClusterDir, localKubeconfig } from './cache-dir.js';
import { KubeClient } from './http.js';
import { kubeconfigSource, loadKubeConfig } from './kubeconfig.js';

/** The kubectl-style flags that choose a cluster and a namespace. */
export interface ClientFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export interface OpenOptions {
  /** Sent as User-Agent, e.g. `plinth-cli/release` (shows in audit logs and API server metrics). */
  userAgent: string;
  /** Whole-request deadline (default 30 s). */
  requestTimeoutMs?: number;
  /** Parallel connections (default the client's). */
  maxSockets?: number;
}

/** What a command works with. */
export interface Session {
  kc: KubeConfig;
  client: KubeClient;
  /** The kubeconfig file used (for messages). */
  kubeconfigPath: string;
  /** The namespace acted in: -n, else the kubeconfig context's namespace, else `default`. */
  namespace: string;
  /** The namespace used without -n (to know whether suggested commands need `-n`). */
  defaultNamespace: string;
  close(): void;
}

/** The namespace kubectl would use: the flag, else the current context's namespace, else `default`. */
export function namespaceOf(kc: Pick<KubeConfig, 'getCurrentContext' | 'getContextObject'>, flag: string | undefined): { namespace: string; defaultNamespace: string } {
  const fromContext = kc.getContextObject(kc.getCurrentContext())?.namespace;
  const defaultNamespace = fromContext && fromContext !== '' ? fromContext : 'default';
  return { namespace: flag && flag !== '' ? flag : defaultNamespace, defaultNamespace };
}

/**
 * The kubeconfig the flags choose, loaded (KUBECONFIG_INVALID naming the file when it is unusable). When
 * it is the local cluster's and `plinth down` stopped that cluster (its data kept), CLUSTER_NOT_RUNNING
 * says so at once instead of a connection error later.
 */
export function kubeConfigFor(flags: ClientFlags, env: NodeJS.ProcessEnv = process.env): { kc: KubeConfig; path: string } {
  const local = localKubeconfig();
  const choice = { kubeconfig: flags.kubeconfig, context: flags.context, localFallback: local };
  const path = kubeconfigSource(choice, env) ?? '';
  if (path !== '' && path === local && localClusterStopped()) {
    throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: DEFAULT_LOCAL_CLUSTER });
  }
  return { kc: loadKubeConfig(choice, env), path };
}

/** Whether the default local cluster's record says it was stopped (`plinth down` keeps its kubeconfig). */
function localClusterStopped(): boolean {
  try {
    const rec = JSON.parse(readFileSync(join(localClusterDir(), LOCAL_CLUSTER_RECORD), 'utf8')) as { phase?: string };
    return rec.phase === 'stopped';
  } catch {
    return false;
  }
}

/** Open a client as the flags say; the caller closes it. */
export async function openClient(flags: ClientFlags, opts: OpenOptions): Promise<Session> {
  const { kc, path } = kubeConfigFor(flags);
  const client = await KubeClient.fromKubeConfig(kc, {
    requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
    userAgent: opts.userAgent,
    ...(opts.maxSockets ? { maxSockets: opts.maxSockets } : {}),
  });
  return { kc, client, kubeconfigPath: path, ...namespaceOf(kc, flags.namespace), close: () => client.close() };
}
