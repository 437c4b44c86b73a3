import { listClusters, type ClusterStatus } from '../../localenv/index.js';
import { readManager, type ManagerState } from '../manager/process.js';
import { consoleView, readConsole, type ConsoleView } from './console-process.js';
import { unhealthy, UNHEALTHY_EXIT } from './health.js';
import { PlinthError } from '../../errors/index.js';
import { render, type Column, type OutputFormat } from '../../term/output.js';
import { agentState } from './fleet/agents.js';
import { gitDaemonAlive, repoUrl, type GitDaemonRecord } from './fleet/git-daemon.js';
import { readFleetRecord, type StackMember } from './fleet/record.js';

export async function findCluster(name: string): Promise<ClusterStatus | undefined> {
  return (await listClusters()).find((c) => c.name === name);
}

/** Path of a running local cluster's kubeconfig, or CLUSTER_NOT_RUNNING. */
export async function kubeconfigPath(name: string): Promise<string> {
  const c = await findCluster(name);
  if (!c || !c.alive) throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: name });
  return c.kubeconfig;
}

/** A member's kubeconfig path by its fleet name (`plinth kubeconfig --cluster NAME`), from its hub's fleet record. */
export async function memberKubeconfigPath(hub: string, member: string): Promise<string> {
  const clusters = await listClusters();
  const hubs = clusters.filter((c) => c.name === hub);
  const known: string[] = [];
  for (const h of hubs.length > 0 ? hubs : clusters) {
    for (const m of (await readFleetRecord(h.stateDir))?.members ?? []) {
      known.push(m.name);
      if (m.name === member || m.localName === member) {
        const c = clusters.find((x) => x.name === m.localName);
        if (!c || !c.alive) throw new PlinthError('CLUSTER_NOT_RUNNING', { cluster: m.localName });
        return c.kubeconfig;
      }
    }
  }
  throw new PlinthError('FLEET_LOCAL_MEMBER_UNKNOWN', { cluster: member, known: known.join(', ') || 'none' });
}

export interface ClusterView {
  name: string;
  /** hub: a local cluster the manager runs on; member: a member cluster of a hub's fleet stack. */
  role: 'hub' | 'member';
  /** Members: the fleet name (province-1) and the hub's local cluster name; their labels. */
  member?: string;
  hub?: string;
  labels?: Record<string, string>;
  /** Members: the agent (alive: its process runs; supervised: its supervisor runs). */
  agent?: { pid: number; alive: boolean; supervised: boolean; restarts: number; log: string };
  /** Hubs with members: the local Git server. */
  git?: { url: string; alive: boolean };
  version: string;
  phase: string;
  alive: boolean;
  server: string;
  kubeconfig: string;
  stateDir: string;
  components: Record<string, { pid: number | null; alive: boolean }>;
  manager?: ManagerState;
  /** The console `plinth up` started: its URL and a fresh one-time sign-in link for the local admin. */
  console?: ConsoleView;
  /** Why it is not healthy (a component or the manager is dead); absent when healthy. */
  unhealthy?: string;
  startedAt: string;
}

/** What the hubs' fleet records say about each local cluster: members by local name, hubs' Git servers. */
async function fleetFacts(all: readonly ClusterStatus[]): Promise<{ members: Map<string, { hub: string; m: StackMember }>; git: Map<string, GitDaemonRecord> }> {
  const members = new Map<string, { hub: string; m: StackMember }>();
  const git = new Map<string, GitDaemonRecord>();
  for (const c of all) {
    const rec = await readFleetRecord(c.stateDir);
    if (!rec) continue;
    for (const m of rec.members) members.set(m.localName, { hub: c.name, m });
    if (rec.git) git.set(c.name, rec.git);
  }
  return { members, git };
}

export async function clusterViews(name?: string): Promise<ClusterView[]> {
  const out: ClusterView[] = [];
  const all = await listClusters();
  const facts = await fleetFacts(all);
  for (const c of all.filter((x) => name === undefined || x.name === name)) {
    const fleet = await fleetView(c, facts);
    const components: ClusterView['components'] = {};
    for (const [name, rec] of Object.entries(c.components)) components[name] = { pid: rec.pid, alive: c.componentsAlive[name] ?? false };
    const manager = await readManager(c.stateDir);
    const consoleState = await readConsole(c.stateDir);
    const phase = c.alive ? 'Running' : c.phase === 'running' ? 'Degraded' : c.phase[0]!.toUpperCase() + c.phase.slice(1);
    const why = unhealthy({ phase, ...(manager ? { manager } : {}), ...(fleet.agent ? { agent: fleet.agent } : {}), ...(fleet.git ? { git: fleet.git } : {}) });
    out.push({
      name: c.name,
      ...fleet,
      version: c.version,
      phase,
      alive: c.alive,
      server: c.server,
      kubeconfig: c.kubeconfig,
      stateDir: c.stateDir,
      components,
      ...(manager ? { manager } : {}),
      ...(consoleState ? { console: await consoleView(c.stateDir, consoleState, c.alive) } : {}),
      startedAt: c.startedAt,
      ...(why ? { unhealthy: why } : {}),
    });
  }
  return out;
}

/** Role, member name, labels, agent and Git server of one local cluster. */
async function fleetView(c: ClusterStatus, facts: Awaited<ReturnType<typeof fleetFacts>>): Promise<Pick<ClusterView, 'role' | 'member' | 'hub' | 'labels' | 'agent' | 'git'>> {
  const member = facts.members.get(c.name);
  if (member) {
    const agent = await agentState(member.m.agentDir);
    return {
      role: 'member',
      member: member.m.name,
      hub: member.hub,
      labels: member.m.labels,
      ...(agent ? { agent: { pid: agent.pid, alive: agent.alive, supervised: agent.supervised, restarts: agent.restarts, log: agent.log } } : {}),
    };
  }
  const git = facts.git.get(c.name);
  // A stopped hub's Git server is expected to be down too.
  return { role: 'hub', ...(git ? { git: { url: repoUrl(git.port), alive: gitDaemonAlive(git) } } : {}) };
}

const COLUMNS: Column<ClusterView>[] = [
  { header: 'Name', value: (c) => c.name },
  { header: 'Role', value: (c) => (c.role === 'member' ? `member ${c.member ?? ''}` : 'hub') },
  { header: 'Version', value: (c) => c.version },
  { header: 'Status', value: (c) => c.phase },
  {
    header: 'Components',
    value: (c) => `${Object.values(c.components).filter((x) => x.alive).length}/${Object.keys(c.components).length}`,
  },
  { header: 'Manager', value: (c) => (c.manager ? (c.manager.alive ? 'Running' : 'Dead') : 'None') },
  { header: 'Server', value: (c) => c.server },
  { header: 'Console', value: (c) => (c.console ? (c.console.alive ? c.console.url : 'Dead') : 'None') },
  { header: 'Agent', value: (c) => (c.role !== 'member' ? '' : c.agent ? (c.agent.alive ? 'Running' : 'Dead') : 'None') },
  { header: 'Kubeconfig', value: (c) => c.kubeconfig, wide: true },
  { header: 'Git', value: (c) => c.git?.url ?? '', wide: true },
  { header: 'Labels', value: (c) => Object.entries(c.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','), wide: true },
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
  if (opts.output === 'table' || opts.output === 'wide') {
    for (const v of views) {
      if (v.console?.signInLink) process.stdout.write(`\nconsole of "${v.name}": ${v.console.url}\n  sign in (one-time, 10 minutes): ${v.console.signInLink}\n`);
      else if (v.console?.alive) process.stdout.write(`\nconsole of "${v.name}": ${v.console.url} (no sign-in link: ${v.console.signInError ?? 'unknown'})\n`);
    }
  }
  const sick = views.filter((v) => v.unhealthy);
  for (const v of sick) process.stderr.write(`local cluster "${v.name}" is not healthy: ${v.unhealthy}\n`);
  return sick.length > 0 ? UNHEALTHY_EXIT : 0;
}
