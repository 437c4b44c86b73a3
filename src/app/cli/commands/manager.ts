import type { Command } from 'commander';
import { intOption } from '../context.js';
import { act } from '../run.js';

interface ManagerFlags {
  metricsPort: number;
  metricsBindAddress: string;
  leaderElectNamespace: string;
  leaderElect: boolean;
  identity?: string;
  fleetListen: string;
  fleetUrl?: string;
  fleetTlsCert?: string;
  fleetTlsKey?: string;
  fleetTlsCa?: string;
  dataDir?: string;
}

/** `plinth manager`: run the leader-elected controller manager in the foreground; `plinth manager-supervisor` (hidden): keep one running in the background. */
export function registerManagerCommand(program: Command): void {
  program
    .command('manager')
    .description('run the Plinth controller manager (leader-elected) in the foreground until SIGTERM/SIGINT')
    .option('--metrics-port <port>', 'port of /metrics, /healthz and /readyz (0: any free port)', intOption('--metrics-port', 0, 65535), 8080)
    .option('--metrics-bind-address <ip>', 'address the metrics server listens on', '127.0.0.1')
    .option('--leader-elect-namespace <ns>', 'namespace of the leader-election Lease', 'plinth-system')
    .option('--no-leader-elect', 'run controllers without leader election (only one instance may run)')
    .option('--identity <id>', 'leader-election identity (default: plinth-manager@HOST_PID_PIDNS_BOOT_RANDOM)')
    .option('--fleet-listen <host:port>', "address of the fleet HTTPS server (agents' artifacts, Git webhooks; 0: any free port)", '127.0.0.1:0')
    .option('--fleet-url <url>', 'base URL agents dial for artifacts, published in plinth-fleet/plinth-hub (default: the listen address)')
    .option('--fleet-tls-cert <file>', "the fleet server's serving certificate (PEM; default: a self-signed one made at start)")
    .option('--fleet-tls-key <file>', 'the key of --fleet-tls-cert (PEM)')
    .option('--fleet-tls-ca <file>', 'the CA agents trust for --fleet-tls-cert, published in plinth-fleet/plinth-hub (default: the certificate file)')
    .option('--data-dir <dir>', 'where the hub keeps artifacts (<dir>/fleet/artifacts; default $PLINTH_DATA_DIR, else the cache directory)')
    .action(
      act(async (opts: ManagerFlags, g) => {
        const { kubeConfigFor } = await import('../../../kube/client.js');
        const { runManager } = await import('../../manager/manager.js');
        const { kc } = kubeConfigFor(g);
        return runManager({
          kubeConfig: kc,
          metricsPort: opts.metricsPort,
          metricsHost: opts.metricsBindAddress,
          leaderElect: opts.leaderElect,
          namespace: opts.leaderElectNamespace,
          identity: opts.identity,
          settings: { fleet: { listen: opts.fleetListen, publicURL: opts.fleetUrl, tlsCertFile: opts.fleetTlsCert, tlsKeyFile: opts.fleetTlsKey, tlsCAFile: opts.fleetTlsCa, dataDir: opts.dataDir } },
        });
      }),
    );

  program
    .command('manager-supervisor', { hidden: true })
    .description('run `plinth manager` and restart it when it dies, with backoff (started by `plinth up`)')
    .requiredOption('--state-dir <dir>', "the local cluster's state directory (manager.json, manager.log)")
    .requiredOption('--metrics-port <port>', 'port of the manager\'s /metrics, /healthz and /readyz', intOption('--metrics-port', 1, 65535))
    .action(
      act(async (opts: { stateDir: string; metricsPort: number }, g) => {
        const path = await import('node:path');
        const { superviseManager } = await import('../../manager/supervisor.js');
        const stop = new AbortController();
        process.once('SIGTERM', () => stop.abort());
        process.once('SIGINT', () => stop.abort());
        process.on('SIGHUP', () => undefined);
        const entry = process.argv[1] ?? '';
        const kubeconfig = g.kubeconfig ?? path.join(opts.stateDir, 'kubeconfig');
        await superviseManager({
          stateDir: opts.stateDir,
          // The local cluster's manager keeps its fleet data (Git cache, artifacts) in the cluster's state dir, so
          // `plinth down --purge` removes it with the rest.
          command: [process.execPath, ...process.execArgv, entry, 'manager', '--kubeconfig', kubeconfig, '--metrics-port', String(opts.metricsPort), '--data-dir', path.join(opts.stateDir, 'manager-data')],
          logFile: path.join(opts.stateDir, 'manager.log'),
          metricsPort: opts.metricsPort,
          kubeconfig,
          signal: stop.signal,
        });
      }),
    );
}
