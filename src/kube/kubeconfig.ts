import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { PlinthError } from '../errors/index.js';

export interface KubeconfigChoice {
  kubeconfig?: string;
  context?: string;
  /** Path of the local cluster's kubeconfig, used when nothing else is given. */
  localFallback?: string;
}

/** Which kubeconfig file a command uses: --kubeconfig, then $KUBECONFIG, then the local cluster, then ~/.kube/config. */
export function kubeconfigSource(choice: KubeconfigChoice, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (choice.kubeconfig) return choice.kubeconfig;
  if (env.KUBECONFIG) return env.KUBECONFIG;
  if (choice.localFallback && existsSync(choice.localFallback)) return choice.localFallback;
  const home = join(homedir(), '.kube', 'config');
  return existsSync(home) ? home : undefined;
}

/** Load a KubeConfig as kubectl would, with one clear error naming the file when it is unusable. */
export function loadKubeConfig(choice: KubeconfigChoice, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const path = kubeconfigSource(choice, env);
  if (path === undefined) {
    throw new PlinthError('KUBECONFIG_INVALID', { path: '(none)', detail: 'no kubeconfig given and none found' });
  }
  const kc = new KubeConfig();
  try {
    if (path.includes(':') && !choice.kubeconfig) kc.loadFromDefault();
    else kc.loadFromFile(path);
  } catch (err) {
    throw new PlinthError('KUBECONFIG_INVALID', { path, detail: (err as Error).message }, { cause: err });
  }
  if (choice.context) {
    if (!kc.getContexts().some((c) => c.name === choice.context)) {
      throw new PlinthError('KUBECONFIG_INVALID', {
        path,
        detail: `context "${choice.context}" not found (contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`,
      });
    }
    kc.setCurrentContext(choice.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new PlinthError('KUBECONFIG_INVALID', { path, detail: 'the current context names no cluster' });
  }
  return kc;
}
