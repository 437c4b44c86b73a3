import { listClusters, type ClusterStatus } from '../../localenv/index.js';
import { readManager, type ManagerState } from '../manager/process.js';
import { unhealthy, UNHEALTHY_EXIT } from './health.js';
import { PlinthError } from '../../errors/index.js';
import { render, type Column, type OutputFormat } from '../../term/output.js';

export async function findCluster(name: string): Promise<ClusterStatus | undefined> {
  return (await listClusters()).find((c) => c.name === name);
}

/** Path of a running local cluster's kubeconfig, or CLUSTER_NOT_RUNNING. */
export async function kubeconfigPath(name: string): Promise<string> {
  const c = await findCluster(name);
  if (!c || !c.alive) throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: name });
  return c.kubeconfig;
}

export interface ClusterView {
  name: string;
  version: string;
  phase: string;
  alive: boolean;
  server: string;
  kubeconfig: string;
  stateDir: string;
  components: Record<string, { pid: number | null; alive: boolean }>;
  manager?: ManagerState;
  /** Why it is not healthy (a component or the manager is dead); absent when healthy. */
  unhealthy?: string;
  startedAt: string;
}

export async function clusterViews(name?: string): Promise<ClusterView[]> {
  const out: ClusterView[] = [];
  for (const c of (await listClusters()).filter((x) => name === undefined || x.name === name)) {
    const components: ClusterView['components'] = {};
    for (const [name, rec] of Object.entries(c.components)) components[name] = { pid: rec.pid, alive: c.componentsAlive[name] ?? false };
    const manager = await readManager(c.stateDir);
    const phase = c.alive ? 'Running' : c.phase === 'running' ? 'Degraded' : c.phase[0]!.toUpperCase() + c.phase.slice(1);
    const why = unhealthy({ phase, ...(manager ? { manager } : {}) });
    out.push({
      name: c.name,
      version: c.version,
      phase,
      alive: c.alive,
      server: c.server,
      kubeconfig: c.kubeconfig,
      stateDir: c.stateDir,
      components,
      ...(manager ? { manager } : {}),
      startedAt: c.startedAt,
      ...(why ? { unhealthy: why } : {}),
    });
  }
  return out;
}

const COLUMNS: Column<ClusterView>[] = [
  { header: 'Name', value: (c) => c.name },
  { header: 'Version', value: (c) => c.version },
  { header: 'Status', value: (c) => c.phase },
  {
    header: 'Components',
    value: (c) => `${Object.values(c.components).filter((x) => x.alive).length}/${Object.keys(c.components).length}`,
  },
  { header: 'Manager', value: (c) => (c.manager ? (c.manager.alive ? 'Running' : 'Dead') : 'None') },
  { header: 'Server', value: (c) => c.server },
  { header: 'Kubeconfig', value: (c) => c.kubeconfig, wide: true },
  {
    header: 'Down',
    value: (c) => Object.entries(c.components).filter(([, x]) => !x.alive).map(([n]) => n).join(','),
    wide: true,
  },
];

/**
 * `plinth status [--name NAME]`: every local cluster (or one), its components and manager. Exit code 0,
 * UNHEALTHY_EXIT (3) when a component of a running cluster or a manager is dead.
 */
export async function status(opts: { output: OutputFormat; name?: string }): Promise<number> {
  const views = await clusterViews(opts.name);
  if (views.length === 0 && opts.name !== undefined) throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: opts.name });
  if (views.length === 0 && (opts.output === 'table' || opts.output === 'wide')) {
    process.stdout.write('No local clusters. Start one with `plinth up`.\n');
    return 0;
  }
  process.stdout.write(
    render(opts.output, { items: views, json: { apiVersion: 'plinth.dev/v1', kind: 'LocalClusterList', items: views }, columns: COLUMNS, name: (c) => c.name }),
  );
  const sick = views.filter((v) => v.unhealthy);
  for (const v of sick) process.stderr.write(`local cluster "${v.name}" is not healthy: ${v.unhealthy}\n`);
  return sick.length > 0 ? UNHEALTHY_EXIT : 0;
}
