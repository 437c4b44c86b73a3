import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Root of Plinth's files on this machine: `$PLINTH_CACHE_DIR`, else `$XDG_CACHE_HOME/plinth`, else
 * `~/.cache/plinth`. Local Kubernetes builds and local clusters live beneath it (src/localenv). The
 * environment is read on every call (tests point it elsewhere).
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PLINTH_CACHE_DIR) return env.PLINTH_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'plinth');
  return join(homedir(), '.cache', 'plinth');
}

/** The name `plinth up` gives its cluster unless told otherwise. */
export const DEFAULT_LOCAL_CLUSTER = 'plinth';

/** Where a local cluster's state lives (src/localenv/cluster writes it there). */
export function localClusterDir(name: string = DEFAULT_LOCAL_CLUSTER): string {
  return join(cacheDir(), 'clusters', name);
}

/** The file in a local cluster's state dir that records it (its phase, processes and ports). */
export const LOCAL_CLUSTER_RECORD = 'cluster.json';

/** The admin kubeconfig of a local cluster (`plinth up`) when it exists. */
export function localKubeconfig(name: string = DEFAULT_LOCAL_CLUSTER): string | undefined {
  const p = join(localClusterDir(name), 'kubeconfig');
  return existsSync(p) ? p : undefined;
}
