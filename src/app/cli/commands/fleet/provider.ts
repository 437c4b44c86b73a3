import type { Command } from 'commander';
import { PlinthError } from '../../../../errors/index.js';
import { act } from '../../run.js';

/** `k=v,k2=v2` → labels; INVALID_ARGUMENT naming the bad pair. */
export function parseLabels(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new PlinthError('INVALID_ARGUMENT', { what: '--labels', detail: pair, fix: 'give key=value pairs separated by commas, e.g. tier=edge,region=east' });
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

interface CreateFlags {
  provider: string;
  kubeVersion: string;
  labels: string;
  localHub: string;
}

interface RecycleFlags {
  localHub: string;
  yes: boolean;
}

/** `plinth fleet` verbs of this area: create, recycle (cluster providers). */
export function registerFleetProviderCommands(fleet: Command): void {
  fleet
    .command('create <name>')
    .description('create a member cluster with a provider, join it to the hub and start its agent')
    .option('--provider <name>', 'cluster provider (only `local` is built in: a light local member cluster)', 'local')
    .option('--kube-version <old|new>', 'local provider: Kubernetes 1.24 (old) or 1.34 (new)', 'new')
    .option('--labels <k=v,...>', 'labels the member joins with (tier, region, arch=arm64 gives it arm64 nodes)', '')
    .option('--local-hub <name>', 'the local hub cluster (`plinth up --name`)', 'plinth')
    .option('-o, --output <format>', 'output format: table|json|yaml', 'table')
    .action((name: string, o: CreateFlags, cmd: Command) =>
      act(async (opts: CreateFlags, g) => {
        if (opts.kubeVersion !== 'old' && opts.kubeVersion !== 'new') {
          throw new PlinthError('INVALID_ARGUMENT', { what: '--kube-version', detail: opts.kubeVersion, fix: 'give old (1.24) or new (1.34)' });
        }
        const { createMember } = await import('../../../stack/fleet/create-recycle.js');
        const { progress } = await import('../../../../term/progress.js');
        const p = progress();
        p.update(`creating member cluster ${name}`);
        try {
          const r = await createMember({ name, provider: opts.provider, hubName: opts.localHub, kubeVersion: opts.kubeVersion, labels: parseLabels(opts.labels), onProgress: (m) => p.update(m) });
          p.done(`member cluster ${name} created in ${r.seconds.toFixed(1)}s${r.joined ? ', joined' : ' (not joined: no membership commands in this build)'}, agent pid ${r.agentPid}`);
          process.stdout.write(g.output === 'json' ? JSON.stringify(r, null, 2) + '\n' : `${r.kubeconfig}\n`);
        } catch (err) {
          p.fail(`creating member cluster ${name} failed`);
          throw err;
        }
      })(o, cmd),
    );

  fleet
    .command('recycle <name>')
    .description("remove a member's deliveries, make it leave the hub and delete its cluster with all its data")
    .option('--local-hub <name>', 'the local hub cluster (`plinth up --name`)', 'plinth')
    .option('-y, --yes', 'do not ask (required without a terminal)', false)
    .option('-o, --output <format>', 'output format: table|json|yaml', 'table')
    .action((name: string, o: RecycleFlags, cmd: Command) =>
      act(async (opts: RecycleFlags, g) => {
        const { confirmRecycle } = await import('../../../stack/fleet/confirm-recycle.js');
        await confirmRecycle(name, { yes: opts.yes });
        const { recycleMember } = await import('../../../stack/fleet/create-recycle.js');
        const r = await recycleMember({ name, hubName: opts.localHub });
        if (g.output === 'json') process.stdout.write(JSON.stringify(r, null, 2) + '\n');
        else process.stderr.write(`recycled ${name} in ${r.seconds.toFixed(1)}s: ${r.deletedDeliveries} ClusterDelivery(s) deleted, ${r.left ? 'left the hub' : 'was not a MemberCluster'}, cluster and data deleted\n`);
      })(o, cmd),
    );
}
