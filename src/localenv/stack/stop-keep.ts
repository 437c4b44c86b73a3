import { stopCluster } from '../cluster/registry.js';
import { defaultStateDir, readRecord } from '../cluster/state.js';
import { stopManager } from '../../manager/process.js';
import { PlinthError } from '../../errors/index.js';

// Kept apart from keep.ts: stopping must not load the Kubernetes client (seconds of module loading).

/**
 * `plinth local stop`: stop every process of a local cluster. With keepData its certificates,
 * kubeconfig and etcd data stay so that `plinth local start` brings the same cluster back.
 */
export async function localStop(opts: { name: string; stateDir?: string; keepData: boolean }): Promise<void> {
  const stateDir = opts.stateDir ?? defaultStateDir(opts.name);
  const rec = await readRecord(stateDir);
  if (!rec) throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: opts.name });
  const hadManager = await stopManager(stateDir);
  await stopCluster(opts.name, { stateDir, keepData: opts.keepData });
  process.stderr.write(`stopped local cluster "${opts.name}"${hadManager ? ' and the Plinth manager' : ''}${opts.keepData ? ` (data kept in ${stateDir})` : ''}\n`);
}
