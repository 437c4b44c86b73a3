import type { KubeConfig } from '@kubernetes/client-node';
import { ensureNamespace } from '../../kube/namespaces.js';
import { KubeClient } from '../../kube/http.js';
import { holderIsDeadHere } from '../../kube/holder.js';
import { KubeLeaseLock, LeaderElector, defaultIdentity } from '../../kube/leader.js';
import { addHealthCheck, collectProcessMetrics, serveMetrics } from '../../kube/metrics.js';
import { logger } from '../../kube/log.js';
import type { ControllerModule } from '../../kube/module.js';
import { controllers as defaultControllers, type ModuleSettings } from './controllers.js';

export interface ManagerOptions {
  kubeConfig: KubeConfig;
  metricsPort: number;
  metricsHost?: string;
  leaderElect: boolean;
  /** Namespace of the leader-election Lease (created if missing). */
  namespace: string;
  identity?: string;
  leaseName?: string;
  /** Leader-election timing (defaults: lease 15 s, renew deadline 10 s, retry 2 s). */
  leaderTiming?: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
  /** Aborting it shuts the manager down cleanly (tests); SIGTERM/SIGINT do the same. */
  signal?: AbortSignal;
  controllers?: ControllerModule[];
  /** Settings of the default controllers (the fleet server's listen address, URL, TLS files, data dir). */
  settings?: ModuleSettings;
}

/** Run every controller until `signal` aborts; resolves when all have stopped. */
async function runControllers(mods: ControllerModule[], client: KubeClient, signal: AbortSignal): Promise<void> {
  const log = logger('manager');
  await Promise.all(
    mods.map(async (m) => {
      log.info({ controller: m.name }, 'starting controller');
      try {
        await m.start({ client, signal, log: logger(m.name) });
      } catch (err) {
        log.error({ controller: m.name, err }, 'controller stopped with an error');
        throw err;
      }
    }),
  );
}

/**
 * The Plinth controller manager: serves /metrics, /healthz, /readyz; elects a leader on a Lease
 * (`plinth-manager` in `namespace`); the leader runs every registered controller; losing the
 * lease stops them (exit code 1 so a supervisor restarts with a clean state); SIGTERM/SIGINT
 * stop them and release the lease so another instance takes over at once (exit code 0).
 */
export async function runManager(opts: ManagerOptions): Promise<number> {
  const log = logger('manager');
  const client = await KubeClient.fromKubeConfig(opts.kubeConfig, { userAgent: 'plinth-manager' });
  const mods = opts.controllers ?? defaultControllers(opts.settings);
  const shutdown = new AbortController();
  const onSignal = (sig: string): void => {
    log.info({ signal: sig }, 'shutting down');
    shutdown.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  opts.signal?.addEventListener('abort', () => shutdown.abort(), { once: true });

  collectProcessMetrics();
  let connected = false;
  const removeReady = addHealthCheck('kube-api', () => connected);
  const server = await serveMetrics(opts.metricsPort, { host: opts.metricsHost ?? '127.0.0.1' });
  log.info({ port: server.port, controllers: mods.map((m) => m.name) }, 'manager started');

  let lostLeadership = false;
  try {
    await ensureNamespace(client, opts.namespace);
    connected = true;
    if (!opts.leaderElect) {
      await runControllers(mods, client, shutdown.signal);
      await new Promise<void>((resolve) => {
        if (shutdown.signal.aborted) resolve();
        else shutdown.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } else {
      const identity = opts.identity ?? defaultIdentity();
      const elector = new LeaderElector({
        lock: new KubeLeaseLock(client, opts.namespace, opts.leaseName ?? 'plinth-manager'),
        identity,
        ...opts.leaderTiming,
        // A manager that died on this host (a crash, kill -9) is replaced at once, not after its lease ran out.
        holderIsDead: holderIsDeadHere,
        rejoin: false,
        onStartedLeading: (signal) => {
          log.info({ identity }, 'became leader');
          return runControllers(mods, client, signal);
        },
        onStoppedLeading: () => {
          if (!shutdown.signal.aborted) {
            lostLeadership = true;
            log.error({ identity }, 'lost leadership; stopping');
            shutdown.abort();
          }
        },
        onNewLeader: (leader) => log.info({ leader }, 'observed leader'),
      });
      await elector.run(shutdown.signal);
    }
  } finally {
    removeReady();
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await server.close();
    client.close();
  }
  log.info('manager stopped');
  return lostLeadership ? 1 : 0;
}
