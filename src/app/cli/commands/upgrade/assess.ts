import type { Command } from 'commander';
import { runAction } from '../../run.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

const HELP = `
Sources: with no -f, the live cluster of --kubeconfig/--context is assessed (objects and the API versions
their writers used, the apiserver_requested_deprecated_apis metric, RBAC rules, webhook configurations,
CRDs, nodes and kube-system control-plane pods). With -f only the manifests are assessed, unless --live
is given too. --helm adds the Helm release records stored in the cluster.
-f takes files, directories (recursive: .yaml, .yml, .json) and - for stdin; repeat it for more.
A directory holding a Chart.yaml is rendered with helm template when helm is on PATH.

Severity: blocker = removed at or before the target; warning = deprecated, or removed after the target;
info = worth knowing (e.g. an old version named only by the last-applied annotation).

Exit codes: 0 nothing blocks; 3 blockers found; 1 error (bad flags, unreachable cluster, or an input that
could not be read or parsed — the other inputs are still assessed and reported).
See docs/upgrade-assess.md for the JSON form.`;

/** `plinth upgrade assess --to VERSION [-f FILE|DIR|-]... [--helm] [--live] [-o table|json|markdown]` */
export function registerAssess(upgrade: Command): void {
  upgrade
    .command('assess')
    .description('find what blocks an upgrade to --to: removed APIs, flags and feature gates, skew, webhooks, CRDs; and suggest a path')
    .requiredOption('--to <version>', 'target Kubernetes version, e.g. 1.30')
    .option('-f, --filename <path>', 'manifest file, directory or - (stdin); repeatable', collect, [] as string[])
    .option('--helm', 'also assess Helm release records stored in the cluster', false)
    .option('--live', 'with -f: assess the live cluster too', false)
    .option('--from <version>', 'current version when only manifests are assessed (for the suggested path)')
    .option('-o, --output <format>', 'output format: table|json|markdown', 'table')
    .addHelpText('after', HELP)
    .action(async (opts: { to: string; filename: string[]; helm: boolean; live: boolean; from?: string; output: string }, cmd: Command) => {
      const g = cmd.optsWithGlobals<{ kubeconfig?: string; context?: string; debug?: boolean }>();
      process.env.PLINTH_LOG_LEVEL ??= g.debug ? 'debug' : 'error';
      process.exitCode = await runAction(async () => {
        const { runAssessCommand } = await import('../../upgrade/assess.js');
        return runAssessCommand({
          to: opts.to,
          ...(opts.from !== undefined ? { from: opts.from } : {}),
          file: opts.filename,
          helm: opts.helm,
          live: opts.live,
          output: opts.output,
          ...(g.kubeconfig ? { kubeconfig: g.kubeconfig } : {}),
          ...(g.context ? { context: g.context } : {}),
        });
      }, g.debug === true);
    });
}
