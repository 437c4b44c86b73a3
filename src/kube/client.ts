import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { GlobalOptions } from '../app/cli/context.js';
import { loadKubeConfig } from './kubeconfig.js';
import { KubeClient } from './http.js';
import { cacheDir } from '../localenv/build/paths.js';

/** What every `plinth release` command works with. */
export interface Session {
  kc: KubeConfig;
  client: KubeClient;
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
 * The kubeconfig of the default local cluster (`plinth up`) when it exists: the same path as
 * localenv/stack/status.ts `localKubeconfigFallback()`, without importing all of localenv (a second per command).
 */
export function localKubeconfig(): string | undefined {
  const p = join(cacheDir(), 'clusters', 'plinth', 'kubeconfig');
  return existsSync(p) ? p : undefined;
}

/** Loads the kubeconfig as kubectl does (see src/cli/kubeconfig.ts) and opens a client. */
export async function openSession(g: GlobalOptions): Promise<Session> {
  const kc = loadKubeConfig({ kubeconfig: g.kubeconfig, context: g.context, localFallback: localKubeconfig() });
  const client = await KubeClient.fromKubeConfig(kc, { requestTimeoutMs: 30_000, userAgent: 'plinth-cli/release' });
  return { kc, client, ...namespaceOf(kc, g.namespace), close: () => client.close() };
}
