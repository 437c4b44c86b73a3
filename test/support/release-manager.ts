// The Plinth manager with only some controllers (by default the release controllers), in its own OS process,
// for tests that SIGKILL and restart it (release-kill, release-failover with two of them leader-elected,
// release-prewarm, release-sidecar-drain; started by test/support/manager-process.ts).
// env: KUBECONFIG; PLINTH_TEST_CONTROLLERS the module names to run, comma-separated (default
// celldeployment,releaseorder); PLINTH_TEST_LEADER_IDENTITY turns on leader election under that identity with short
// timings (lease 4 s, renew deadline 2.5 s, retry 0.5 s). Logs to stderr; exits with the manager's code.
import { KubeConfig } from '@kubernetes/client-node';
import { runManager } from '../../src/app/manager/manager.js';
import { controllers } from '../../src/app/manager/controllers.js';

async function main(): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KUBECONFIG ?? '');
  const names = (process.env.PLINTH_TEST_CONTROLLERS ?? 'celldeployment,releaseorder').split(',');
  const chosen = controllers().filter((m) => names.includes(m.name));
  const identity = process.env.PLINTH_TEST_LEADER_IDENTITY;
  return runManager({
    kubeConfig: kc,
    metricsPort: 0,
    leaderElect: identity !== undefined,
    ...(identity !== undefined ? { identity, leaderTiming: { leaseDurationMs: 4000, renewDeadlineMs: 2500, retryPeriodMs: 500 } } : {}),
    namespace: 'plinth-system',
    controllers: chosen,
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`release-manager failed: ${String(err)}\n`);
    process.exit(1);
  },
);
