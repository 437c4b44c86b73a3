import { rm } from 'node:fs/promises';
import { listClusters, stopCluster } from '../../localenv/index.js';
import { stopManager } from '../manager/process.js';
import { PlinthError } from '../../errors/index.js';

/** `plinth down`: stop the manager, then every process of the cluster; nothing is left running. */
export async function down(opts: { name: string; all: boolean }): Promise<void> {
  const clusters = await listClusters();
  const targets = opts.all ? clusters : clusters.filter((c) => c.name === opts.name);
  if (targets.length === 0) {
    if (opts.all) {
      process.stderr.write('no local clusters are running\n');
      return;
    }
    throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: opts.name });
  }
  for (const c of targets) {
    const hadManager = await stopManager(c.stateDir);
    await stopCluster(c.name);
    // Like `kind delete cluster`: nothing of a stopped cluster stays behind (its kubeconfig would mislead).
    await rm(c.stateDir, { recursive: true, force: true });
    process.stderr.write(`stopped local cluster "${c.name}"${hadManager ? ' and the Plinth manager' : ''}\n`);
  }
}
