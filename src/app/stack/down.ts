import { rm } from 'node:fs/promises';
import { listClusters, stopCluster } from '../../localenv/index.js';
import { confirmPurge } from './confirm.js';
import { stopManager } from '../manager/process.js';
import { stopConsole } from './console-process.js';
import { PlinthError } from '../../errors/index.js';
import { memberClusterNames, membersDown } from './fleet/down-members.js';

export interface DownOptions {
  name: string;
  all: boolean;
  /** Also delete the clusters' data (etcd, certificates, kubeconfig): asks first unless `yes`. */
  purge: boolean;
  yes: boolean;
}

/**
 * `plinth down`: stop the manager (its supervisor first, so nothing restarts it), then every process
 * of the cluster; nothing is left running. Like `docker compose down` the cluster's data stays (etcd,
 * certificates, kubeconfig, ports) and `plinth up` brings the same cluster back; `--purge` deletes it.
 */
export async function down(opts: DownOptions): Promise<void> {
  const clusters = await listClusters();
  // A hub's members stop with their hub (membersDown), not as clusters of their own.
  const members = await memberClusterNames(clusters.map((c) => c.stateDir));
  const targets = (opts.all ? clusters : clusters.filter((c) => c.name === opts.name)).filter((c) => c.name === opts.name || !members.has(c.name));
  if (targets.length === 0) {
    if (opts.all) {
      process.stderr.write('no local clusters are running\n');
      return;
    }
    throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: opts.name });
  }
  if (opts.purge) await confirmPurge(targets, { yes: opts.yes });
  for (const c of targets) {
    const wasRunning = Object.values(c.componentsAlive).some(Boolean);
    const hadManager = await stopManager(c.stateDir);
    if (await stopConsole(c.stateDir)) process.stderr.write(`stopped the Plinth console of "${c.name}"\n`);
    const fleet = await membersDown(c.stateDir, { purge: opts.purge });
    if (fleet.length > 0) process.stderr.write(`stopped ${fleet.length} member cluster(s) (${fleet.join(', ')}), their agents and the local Git server${opts.purge ? '; deleted their data' : ''}\n`);
    // Clusters of `plinth up` and `plinth local start` keep their data; a test's throw-away cluster does not.
    const kept = !c.removeStateOnStop;
    await stopCluster(c.name, { stateDir: c.stateDir });
    const what = wasRunning || hadManager
      ? `stopped local cluster "${c.name}"${hadManager ? ' and the Plinth manager' : ''}`
      : `local cluster "${c.name}" was already stopped`;
    const named = c.name === 'plinth' ? '' : ` --name ${c.name}`;
    if (opts.purge || !kept) {
      // stopCluster already removed a throw-away cluster's state dir.
      if (opts.purge) await rm(c.stateDir, { recursive: true, force: true });
      process.stderr.write(`${what}; deleted its data (${c.stateDir})\n`);
    } else {
      process.stderr.write(`${what}; its data is kept in ${c.stateDir} (\`plinth up${named}\` starts it again, \`plinth down${named} --purge\` deletes it)\n`);
    }
  }
}
