import { existsSync } from 'node:fs';
import { readRecord, defaultStateDir } from '../../localenv/cluster/state.js';
import { restartCluster } from '../../localenv/cluster/restart.js';
import { PlinthError } from '../../errors/index.js';
import type { KubeVersionName } from '../../localenv/build/index.js';

export interface StartLocalOptions {
  name: string;
  stateDir?: string;
  /** Required to create a cluster that does not exist yet; checked against a kept one. */
  version?: KubeVersionName;
  nodes: number;
  zones: number;
  onProgress?: (msg: string) => void;
}

export interface StartedLocal {
  name: string;
  version: string;
  server: string;
  kubeconfig: string;
  stateDir: string;
  /** created: first start; restarted: from kept data; running: it was already up. */
  action: 'created' | 'restarted' | 'running';
}

/**
 * The one way `plinth up` and `plinth local start` bring a local cluster up: a cluster whose data
 * was kept (`plinth down`, `plinth local stop --keep-data`) starts again on the same data, ports and
 * certificates; a running one is reused; otherwise a new one is created, detached, its data kept on stop.
 * A state dir left by a first start that failed before writing a kubeconfig is started afresh.
 */
export async function startLocalCluster(opts: StartLocalOptions): Promise<StartedLocal> {
  const stateDir = opts.stateDir ?? defaultStateDir(opts.name);
  const rec = await readRecord(stateDir);
  if (rec && existsSync(rec.kubeconfig)) {
    const c = await restartCluster(opts.name, { stateDir, version: opts.version, onProgress: opts.onProgress });
    return { name: c.name, version: c.version, server: c.server, kubeconfig: c.kubeconfigPath, stateDir, action: c.reused ? 'running' : 'restarted' };
  }
  if (!opts.version) throw new PlinthError('UPGRADE_SWITCH_NO_KEPT_CLUSTER', { cluster: opts.name, stateDir });
  // Only a first start loads the full cluster code (and the Kubernetes client library).
  const { startCluster } = await import('../../localenv/cluster/start.js');
  const c = await startCluster({
    name: opts.name,
    stateDir,
    version: opts.version,
    nodes: opts.nodes,
    zones: opts.zones,
    detached: true,
    keepStateDir: true,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  return { name: c.name, version: c.version, server: c.server, kubeconfig: c.kubeconfigPath, stateDir: c.stateDir, action: 'created' };
}
