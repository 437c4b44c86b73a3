// The Plinth manager with only the release controllers, in its own OS process, for test/release-kill.test.ts
// (which SIGKILLs and restarts it) and test/release-failover.test.ts (two of them, leader-elected).
// env: KUBECONFIG; PLINTH_TEST_LEADER_IDENTITY turns on leader election under that identity with short
// timings (lease 4 s, renew deadline 2.5 s, retry 0.5 s). Logs to stderr; exits with the manager's code.
import { KubeConfig } from '@kubernetes/client-node';
import { runManager } from '../../src/app/manager/manager.js';
import { controllers } from '../../src/app/manager/controllers.js';

async function main(): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KUBECONFIG ?? '');
  const release = controllers().filter((m) => m.name === 'celldeployment' || m.name === 'releaseorder');
  const identity = process.env.PLINTH_TEST_LEADER_IDENTITY;
  return runManager({
    kubeConfig: kc,
    metricsPort: 0,
    leaderElect: identity !== undefined,
    ...(identity !== undefined ? { identity, leaderTiming: { leaseDurationMs: 4000, renewDeadlineMs: 2500, retryPeriodMs: 500 } } : {}),
    namespace: 'plinth-system',
    controllers: release,
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`release-manager failed: ${String(err)}\n`);
    process.exit(1);
  },
);
