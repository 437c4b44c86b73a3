import { readRecord } from '../../localenv/cluster/state.js';
import { restartCluster } from '../../localenv/cluster/restart.js';
import { defaultStateDir } from '../../localenv/cluster/state.js';
import { PlinthError } from '../../errors/index.js';
import { progress } from '../../term/progress.js';
import type { KubeVersionName } from '../../localenv/build/index.js';

export interface LocalStartOptions {
  name: string;
  stateDir?: string;
  /** Required to create a cluster that does not exist yet; checked against a kept one. */
  version?: KubeVersionName;
  nodes: number;
  zones: number;
}

export interface LocalStartResult {
  name: string;
  version: string;
  server: string;
  kubeconfig: string;
  /** created: first start; restarted: from kept data; running: it was already up. */
  action: 'created' | 'restarted' | 'running';
}

/**
 * `plinth local start`: start a kept local cluster again (same data, ports and certificates), or
 * create it (detached, data kept on stop) when it does not exist yet. Idempotent.
 */
export async function localStart(opts: LocalStartOptions): Promise<LocalStartResult> {
  const stateDir = opts.stateDir ?? defaultStateDir(opts.name);
  const p = progress();
  try {
    const rec = await readRecord(stateDir);
    if (!rec) {
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
        onProgress: (m) => p.update(`cluster "${opts.name}": ${m}`),
      });
      p.done(`local cluster "${opts.name}" (${c.version}) created at ${c.server}`);
      return { name: c.name, version: c.version, server: c.server, kubeconfig: c.kubeconfigPath, action: 'created' };
    }
    const c = await restartCluster(opts.name, { stateDir, version: opts.version, onProgress: (m) => p.update(`cluster "${opts.name}": ${m}`) });
    p.done(`local cluster "${opts.name}" (${c.version}) ${c.reused ? 'is already running' : 'restarted'} at ${c.server}`);
    return { name: c.name, version: c.version, server: c.server, kubeconfig: c.kubeconfigPath, action: c.reused ? 'running' : 'restarted' };
  } catch (err) {
    p.fail(`starting local cluster "${opts.name}" failed`);
    throw err;
  }
}
