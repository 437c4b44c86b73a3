import type { Command } from 'commander';
import { act } from '../run.js';

/** `plinth agent`: the member agent (outbound only) that applies the hub's ClusterDeliveries to its member. */
export function registerAgentCommand(program: Command): void {
  program
    .command('agent')
    .description("run the fleet agent of a member cluster in the foreground until SIGTERM/SIGINT (--kubeconfig: the member; the hub: --hub-kubeconfig, else the member Secret plinth-system/plinth-agent-hub)")
    .requiredOption('--cluster <name>', "the member's name in the fleet (its MemberCluster)")
    .option('--hub-kubeconfig <file>', 'kubeconfig of the hub (default: the member Secret <data-namespace>/plinth-agent-hub, key kubeconfig, written by `plinth fleet join`)')
    .option('--data-namespace <ns>', "the member namespace of the agent's records and hub Secret", 'plinth-system')
    .option('--cert-renew-fraction <f>', 'renew the hub client certificate at this fraction of its life (0 to 1; 0 renews at start)', '0.8')
    .action(
      act(async (opts: { cluster: string; hubKubeconfig?: string; dataNamespace: string; certRenewFraction: string }, g) => {
        // The agent serves no /metrics: its instruments are no-ops and prom-client is never loaded (memory).
        (await import('../../../kube/metrics.js')).disableMetrics();
        // Not openClient: the agent keeps its memory small by not loading @kubernetes/client-node (kubeconfig-lite.ts).
        const { localKubeconfig } = await import('../../../kube/cache-dir.js');
        const { KubeClient } = await import('../../../kube/http.js');
        const { kubeConfigFromFile, memberKubeconfigPath } = await import('../../../fleet/agent/kubeconfig-lite.js');
        const { runAgent } = await import('../../../fleet/agent/run.js');
        const { plinthVersion } = await import('../version.js');
        const certRenewFraction = Number(opts.certRenewFraction);
        if (!Number.isFinite(certRenewFraction) || certRenewFraction < 0 || certRenewFraction > 1) {
          const { PlinthError } = await import('../../../errors/index.js');
          throw new PlinthError('INVALID_ARGUMENT', { what: '--cert-renew-fraction', detail: `"${opts.certRenewFraction}"`, fix: 'use a number from 0 to 1, e.g. 0.8' });
        }
        const stop = new AbortController();
        process.once('SIGTERM', () => stop.abort());
        process.once('SIGINT', () => stop.abort());
        const kc = await kubeConfigFromFile(memberKubeconfigPath(g.kubeconfig, localKubeconfig()), g.context);
        const member = await KubeClient.fromKubeConfig(kc, { userAgent: `plinth-agent/${plinthVersion()}`, requestTimeoutMs: 30_000 });
        try {
          await runAgent({
            cluster: opts.cluster,
            member,
            ...(opts.hubKubeconfig ? { hubKubeconfig: opts.hubKubeconfig } : {}),
            namespace: opts.dataNamespace,
            certRenewFraction,
            agentVersion: plinthVersion(),
            signal: stop.signal,
          });
        } finally {
          member.close();
        }
      }),
    );
}
