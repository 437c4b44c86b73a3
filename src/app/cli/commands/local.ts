import type { Command } from 'commander';
import { intOption } from '../context.js';
import { act } from '../run.js';
import { PlinthError } from '../../../errors/index.js';

function versionOption(value: string): 'old' | 'new' {
  if (value === 'old' || value === 'new') return value;
  throw Object.assign(new Error('--kube-version must be "old" (Kubernetes 1.24) or "new" (1.34)'), { code: 'commander.invalidArgument' });
}

/** `--members` alone means 3 (the default); `--members N` N, 0..64. */
function membersOption(value: string | true): number {
  if (value === true) return 3;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64) {
    throw new PlinthError('INVALID_ARGUMENT', { what: '--members', detail: value, fix: 'give a whole number from 0 to 64, or --members alone for 3' });
  }
  return n;
}

/** `plinth up | down | status | kubeconfig | prepare`: the local embedded Kubernetes and the Plinth manager. */
export function registerLocalCommands(program: Command): void {
  program
    .command('up')
    .description('start a local Kubernetes (real control plane, simulated nodes in zones) with Plinth installed and running')
    .option('--name <name>', 'name of the local cluster', 'plinth')
    .option('--kube-version <old|new>', 'Kubernetes version to run: new (1.34) or old (1.24); default: the kept cluster\'s, else new', versionOption)
    .option('--nodes <n>', 'number of simulated nodes', intOption('--nodes', 1, 5000), 6)
    .option('--zones <n>', 'number of zones the nodes are spread over', intOption('--zones', 1, 26), 3)
    .option('--no-manager', 'do not start the Plinth controller manager')
    .option('--no-console', 'do not start the Plinth console (web UI and API on 127.0.0.1)')
    .option('--web-dir <dir>', "the console's built web UI (default: dist/console-web of the package)")
    .option('--members [n]', 'also start N light member clusters (default 3) with their agents, and a local Git server with a sample repository')
    .option('-o, --output <format>', 'output format: table|json|yaml', 'table')
    .addHelpText(
      'after',
      '\nThe first run builds Kubernetes from Go modules (a few minutes); later runs start in seconds.\nA cluster stopped by `plinth down` starts again with its data, on the same ports.\nStop everything with `plinth down`.',
    )
    .action(
      act(async (opts: { name: string; kubeVersion?: 'old' | 'new'; nodes: number; zones: number; manager: boolean; console: boolean; webDir?: string; members?: string | true }, g) => {
        const { up } = await import('../../stack/up.js');
        const members = opts.members === undefined ? undefined : membersOption(opts.members);
        await up({ name: opts.name, version: opts.kubeVersion, nodes: opts.nodes, zones: opts.zones, manager: opts.manager, console: opts.console, ...(opts.webDir !== undefined ? { webDir: opts.webDir } : {}), output: g.output, ...(members === undefined ? {} : { members }) });
      }),
    );

  program
    .command('down')
    .description('stop the local cluster and the Plinth manager, keeping the cluster\'s data; no process is left behind')
    .option('--name <name>', 'name of the local cluster', 'plinth')
    .option('--all', 'stop every local cluster Plinth started', false)
    .option('--purge', 'also delete the cluster\'s data (etcd, certificates, kubeconfig); asks first', false)
    .option('-y, --yes', 'with --purge: do not ask (required without a terminal)', false)
    .addHelpText('after', '\n`plinth up` starts a stopped cluster again with its data, on the same API server port.')
    .action(
      act(async (opts: { name: string; all: boolean; purge: boolean; yes: boolean }) => {
        const { down } = await import('../../stack/down.js');
        await down({ name: opts.name, all: opts.all, purge: opts.purge, yes: opts.yes });
      }),
    );

  program
    .command('status')
    .description('show the local clusters, their components and nodes, and the Plinth manager (exit code 3: something is not healthy)')
    .option('--name <name>', 'show only this local cluster')
    .option('-o, --output <format>', 'output format: table|wide|json|yaml', 'table')
    .action(
      act(async (opts: { name?: string }, g) => {
        const { status } = await import('../../stack/status.js');
        return status({ output: g.output, name: opts.name });
      }),
    );

  program
    .command('kubeconfig')
    .description("print the path of a local cluster's admin kubeconfig (use: export KUBECONFIG=$(plinth kubeconfig)); --cluster for a member's")
    .option('--name <name>', 'name of the local (hub) cluster', 'plinth')
    .option('--cluster <member>', "a member cluster of that hub (e.g. province-1): print the member's kubeconfig")
    .action(
      act(async (opts: { name: string; cluster?: string }) => {
        const { kubeconfigPath, memberKubeconfigPath } = await import('../../stack/status.js');
        const path = opts.cluster === undefined ? await kubeconfigPath(opts.name) : await memberKubeconfigPath(opts.name, opts.cluster);
        process.stdout.write(path + '\n');
      }),
    );

  program
    .command('agent-supervisor', { hidden: true })
    .description('run `plinth agent` for a local member and restart it when it dies, with backoff (started by `plinth up --members`)')
    .requiredOption('--agent-dir <dir>', "where the supervisor records the agent (manager.json) and its log (agent.log)")
    .requiredOption('--cluster <member>', "the member's fleet name")
    .requiredOption('--member-kubeconfig <file>', "the member cluster's kubeconfig")
    .option('--hub-kubeconfig <file>', "the agent's hub kubeconfig (default: the agent reads the member Secret that `plinth fleet join` wrote)")
    .action(
      act(async (opts: { agentDir: string; cluster: string; memberKubeconfig: string; hubKubeconfig?: string }) => {
        const { superviseManager } = await import('../../manager/supervisor.js');
        const { agentCommand, agentLog } = await import('../../stack/fleet/agents.js');
        const { cliEntry } = await import('../../stack/fleet/join.js');
        const stop = new AbortController();
        process.once('SIGTERM', () => stop.abort());
        process.once('SIGINT', () => stop.abort());
        process.on('SIGHUP', () => undefined);
        const target = { name: opts.cluster, kubeconfig: opts.memberKubeconfig, agentDir: opts.agentDir, ...(opts.hubKubeconfig ? { hubKubeconfig: opts.hubKubeconfig } : {}) };
        await superviseManager({
          stateDir: opts.agentDir,
          command: agentCommand(target, cliEntry()),
          logFile: agentLog(opts.agentDir),
          metricsPort: 0,
          kubeconfig: opts.memberKubeconfig,
          backoff: { initialMs: 1000, maxMs: 30_000 },
          signal: stop.signal,
        });
      }),
    );

  program
    .command('prepare')
    .description('build (or check) the local Kubernetes binaries without starting anything')
    .option('--kube-version <old|new>', 'which version to prepare', versionOption, 'new')
    .option('--all', 'prepare both versions (old 1.24 and new 1.34)', false)
    .action(
      act(async (opts: { kubeVersion: 'old' | 'new'; all: boolean }) => {
        const { prepare } = await import('../../stack/prepare.js');
        await prepare(opts.all ? ['old', 'new'] : [opts.kubeVersion]);
      }),
    );

  const local = program
    .command('local')
    .description('stop and start a local cluster while keeping its data (switch-style upgrade rehearsals)');
  local
    .command('stop')
    .description('stop every process of a local cluster; with --keep-data its etcd data, certificates and kubeconfig stay')
    .option('--name <name>', 'name of the local cluster', 'plinth')
    .option('--state-dir <dir>', 'state directory of the cluster (default: the cache directory)')
    .option('--keep-data', 'keep the data so that `plinth local start` brings the same cluster back', false)
    .action(
      act(async (opts: { name: string; stateDir?: string; keepData: boolean }) => {
        const { localStop } = await import('../../stack/stop-keep.js');
        await localStop(opts);
      }),
    );
  local
    .command('start')
    .description('start a kept local cluster again on the same ports and data, or create it (detached, data kept) when it does not exist')
    .option('--name <name>', 'name of the local cluster', 'plinth')
    .option('--state-dir <dir>', 'state directory of the cluster (default: the cache directory)')
    .option('--kube-version <old|new>', 'Kubernetes version (required to create; checked against a kept cluster)', versionOption)
    .option('--nodes <n>', 'simulated nodes when creating', intOption('--nodes', 0, 5000), 3)
    .option('--zones <n>', 'zones when creating', intOption('--zones', 1, 26), 3)
    .action(
      act(async (opts: { name: string; stateDir?: string; kubeVersion?: 'old' | 'new'; nodes: number; zones: number }, g) => {
        const { localStart } = await import('../../stack/keep.js');
        const r = await localStart({ name: opts.name, stateDir: opts.stateDir, version: opts.kubeVersion, nodes: opts.nodes, zones: opts.zones });
        process.stdout.write(g.output === 'json' ? JSON.stringify(r, null, 2) + '\n' : `${r.kubeconfig}\n`);
      }),
    );
}
