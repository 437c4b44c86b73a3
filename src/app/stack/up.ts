import { freePorts } from '../../localenv/cluster/ports.js';
import { defaultStateDir, readRecord } from '../../localenv/cluster/state.js';
import { prepare } from './prepare.js';
import { startLocalCluster, type StartedLocal } from './start-local.js';
import { readManager, spawnManager, stopManager, type ManagerState } from '../manager/process.js';
import { consoleView, readConsole, spawnConsole, stopConsole, type ConsoleView } from './console-process.js';
import { installCrds } from '../../api/install.js';
import { installAggregatedRoles } from '../console/rbac.js';
import { ref } from '../../kube/resource.js';
import { openClient } from '../../kube/client.js';
import { progress } from '../../term/progress.js';
import type { OutputFormat } from '../../term/output.js';
import type { KubeVersionName } from '../../localenv/build/index.js';
import type { MembersUpResult } from './fleet/up-members.js';
import { readFleetRecord } from './fleet/record.js';

export interface UpOptions {
  name: string;
  /** Default: the kept cluster's version, else new. */
  version?: KubeVersionName;
  nodes: number;
  zones: number;
  manager: boolean;
  /** Start the console too (default true; `--no-console`). */
  console?: boolean;
  /** The console's web UI directory (default: dist/console-web of the package). */
  webDir?: string;
  /** Also start this many member clusters with their agents and a local Git server (`--members N`). */
  members?: number;
  output: OutputFormat;
}

export interface UpResult {
  name: string;
  version: string;
  kubeconfig: string;
  server: string;
  nodes: { name: string; zone: string; ready: boolean }[];
  crds: string[];
  manager?: { pid: number; metricsUrl: string; log: string };
  /** The console (`--no-console`: absent): its URL and a one-time sign-in link for the local admin. */
  console?: ConsoleView;
  reused: boolean;
  /** created: first start; restarted: from the data `plinth down` kept; running: it was already up. */
  action: StartedLocal['action'];
  /** With --members: the member clusters and the Git server. */
  fleet?: MembersUpResult;
}

interface NodeList {
  items: { metadata: { name: string; labels?: Record<string, string> }; status?: { conditions?: { type: string; status: string }[] } }[];
}

/**
 * `plinth up`: build or reuse the binaries, start (or reuse) the local cluster in the background,
 * install Plinth's CRDs, start the manager, print what to try next. Idempotent.
 */
export async function up(opts: UpOptions): Promise<UpResult> {
  const kept = await readRecord(defaultStateDir(opts.name));
  const version = opts.version ?? (kept?.versionName as KubeVersionName | undefined) ?? 'new';
  await prepare([version]);
  const p = progress();
  p.update(`starting local cluster "${opts.name}"`);
  let c: StartedLocal;
  try {
    c = await startLocalCluster({
      name: opts.name,
      version,
      nodes: opts.nodes,
      zones: opts.zones,
      onProgress: (m) => p.update(`cluster "${opts.name}": ${m}`),
    });
  } catch (err) {
    p.fail(`starting local cluster "${opts.name}" failed`);
    throw err;
  }
  const { kubeconfig, server, stateDir } = c;
  const reused = c.action === 'running';
  try {
    const { client } = await openClient({ kubeconfig }, { userAgent: 'plinth-cli/up' });
    p.update('installing Plinth CRDs');
    const crds = await installCrds(client);
    // Plinth's ClusterRoles aggregated into view/edit/admin, so a user bound to `view` reads Plinth objects.
    await installAggregatedRoles(client);
    const nodeList = await client.list<NodeList['items'][number]>(ref('v1', 'nodes'));
    client.close();

    let manager = await readManager(stateDir);
    if (opts.manager && !(manager?.alive && manager.supervised)) {
      // Whatever is left of a dead or unsupervised manager goes first: the new one starts for sure.
      if (manager) p.update(`replacing the Plinth manager (pid ${manager.pid} ${manager.alive ? 'runs without its supervisor' : 'is dead'})`);
      await stopManager(stateDir);
      p.update('starting the Plinth manager');
      const [port] = await freePorts(1);
      manager = await spawnManager({ stateDir, kubeconfig, metricsPort: port! });
    }
    const consoleState = opts.console === false ? undefined : await ensureConsole(stateDir, kubeconfig, opts.webDir, (m) => p.update(m));
    const state = { created: 'ready', restarted: 'restarted with its data', running: 'already running' }[c.action];
    p.done(`local cluster "${opts.name}" (Kubernetes ${c.version}) is ${state}`);
    // A hub whose members `plinth down` stopped brings them back even without --members.
    const members = opts.members ?? (await readFleetRecord(stateDir))?.members.filter((m) => m.origin === 'up').length;
    const fleet = members === undefined ? undefined : await upMembers({ ...opts, members }, c, version);

    const result: UpResult = {
      name: opts.name,
      version: c.version,
      kubeconfig,
      server,
      nodes: nodeList.items.map((n) => ({
        name: n.metadata.name,
        zone: n.metadata.labels?.['topology.kubernetes.io/zone'] ?? '',
        ready: n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      })),
      crds,
      ...(manager?.alive ? { manager: { pid: manager.pid, metricsUrl: `http://127.0.0.1:${manager.metricsPort}/metrics`, log: manager.logFile } } : {}),
      ...(consoleState ? { console: await consoleView(stateDir, consoleState, true) } : {}),
      reused,
      action: c.action,
      ...(fleet ? { fleet } : {}),
    };
    printResult(result, opts.output);
    return result;
  } catch (err) {
    p.fail('setting up Plinth on the local cluster failed');
    throw err;
  }
}

/** The running console (supervised, healthy) of this state dir, or a new one on a free port. */
async function ensureConsole(stateDir: string, kubeconfig: string, webDir: string | undefined, say: (m: string) => void): Promise<ManagerState> {
  const running = await readConsole(stateDir);
  if (running?.alive && running.supervised) return running;
  if (running) say(`replacing the Plinth console (pid ${running.pid} ${running.alive ? 'runs without its supervisor' : 'is dead'})`);
  await stopConsole(stateDir);
  say('starting the Plinth console');
  const [port] = await freePorts(1);
  return spawnConsole({ stateDir, kubeconfig, port: port!, ...(webDir !== undefined ? { webDir } : {}) });
}

/** The members around the hub just started (up-members.ts), with their own progress line. */
async function upMembers(opts: UpOptions, hub: StartedLocal, version: KubeVersionName): Promise<MembersUpResult> {
  const { membersUp } = await import('./fleet/up-members.js');
  const p = progress();
  p.update(`starting ${opts.members} member cluster(s)`);
  try {
    const r = await membersUp({
      hub: { name: hub.name, stateDir: hub.stateDir, kubeconfig: hub.kubeconfig, server: hub.server },
      count: opts.members ?? 0,
      kubeVersion: version,
      onProgress: (m) => p.update(m),
    });
    p.done(`${r.members.length} member cluster(s) running with their agents; Git server at ${r.git.url}`);
    if (r.joinUnavailable) process.stderr.write('note: this build has no `plinth fleet join`: the members run unjoined\n');
    return r;
  } catch (err) {
    p.fail('starting the member clusters failed');
    throw err;
  }
}

function printResult(r: UpResult, output: OutputFormat): void {
  if (output === 'json') {
    process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    return;
  }
  if (output === 'yaml') {
    process.stdout.write(`name: ${r.name}\nversion: ${r.version}\nkubeconfig: ${r.kubeconfig}\nserver: ${r.server}\n`);
    return;
  }
  const zones = new Map<string, number>();
  for (const n of r.nodes) zones.set(n.zone, (zones.get(n.zone) ?? 0) + 1);
  const ready = r.nodes.filter((n) => n.ready).length;
  const lines = [
    '',
    `Kubernetes ${r.version} at ${r.server}`,
    `  nodes:      ${ready}/${r.nodes.length} Ready in ${zones.size} zones (${[...zones].map(([z, k]) => `${z}: ${k}`).join(', ')})`,
    `  CRDs:       ${r.crds.join(', ')}`,
    ...consoleLines(r.console),
    r.manager ? `  manager:    running (pid ${r.manager.pid}, metrics ${r.manager.metricsUrl}, log ${r.manager.log})` : '  manager:    not started',
    `  kubeconfig: ${r.kubeconfig}`,
    ...(r.fleet ? fleetLines(r.fleet) : []),
    '',
    'Try next:',
    `  export KUBECONFIG=${r.kubeconfig}`,
    '  kubectl get nodes -L topology.kubernetes.io/zone',
    '  kubectl get crds -l app.kubernetes.io/part-of=plinth',
    '  npx plinth status',
    ...(r.fleet ? [`  git clone ${r.fleet.git.url}   # change, commit, git push: the hub delivers it`, `  export KUBECONFIG=$(npx plinth kubeconfig --cluster ${r.fleet.members[0]?.name ?? 'NAME'})`] : []),
    '  npx plinth down        # stop everything, keep the data (--purge deletes it)',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

function consoleLines(c: ConsoleView | undefined): string[] {
  if (!c) return ['  console:    not started'];
  return [
    `  console:    ${c.url} (pid ${c.pid}, log ${c.log})`,
    c.signInLink ? `  sign in:    ${c.signInLink}   (one-time, 10 minutes; \`plinth status\` prints a new one)` : `  sign in:    no link (${c.signInError ?? 'the console is not healthy'}); POST ${c.url}/api/v1/session with a token`,
  ];
}

function fleetLines(f: MembersUpResult): string[] {
  return [
    `  members:    ${f.members.map((m) => `${m.name} (${Object.values(m.labels).join('/')})`).join(', ')}`,
    `  git:        ${f.git.url}`,
  ];
}
