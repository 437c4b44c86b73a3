import { stopCluster } from '../../localenv/cluster/registry.js';
import { defaultStateDir, readRecord } from '../../localenv/cluster/state.js';
import { stopManager } from '../manager/process.js';
import { stopConsole } from './console-process.js';

// Kept apart from keep.ts: stopping must not load the Kubernetes client (seconds of module loading).

/**
 * `plinth local stop`: stop every process of a local cluster. With keepData its certificates,
 * kubeconfig and etcd data stay so that `plinth local start` brings the same cluster back. A cluster
 * that does not exist is already stopped (exit 0).
 */
export async function localStop(opts: { name: string; stateDir?: string; keepData: boolean }): Promise<void> {
  const stateDir = opts.stateDir ?? defaultStateDir(opts.name);
  const rec = await readRecord(stateDir);
  if (!rec) {
    // Idempotent, as plan commands must be: a rollback may stop a NEW cluster that never started.
    process.stderr.write(`local cluster "${opts.name}" does not exist in ${stateDir}: nothing to stop\n`);
    return;
  }
  const hadManager = await stopManager(stateDir);
  await stopConsole(stateDir);
  await stopCluster(opts.name, { stateDir, keepData: opts.keepData });
  process.stderr.write(`stopped local cluster "${opts.name}"${hadManager ? ' and the Plinth manager' : ''}${opts.keepData ? ` (data kept in ${stateDir})` : ''}\n`);
}
