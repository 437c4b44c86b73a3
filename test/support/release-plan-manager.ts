// The Plinth manager with the release controllers and the release plan controller, in its own OS process, for
// test/release-plan-kill.test.ts (which SIGKILLs and restarts it). env: KUBECONFIG. Logs to stderr.
import { KubeConfig } from '@kubernetes/client-node';
import { runManager } from '../../src/app/manager/manager.js';
import { controllers } from '../../src/app/manager/controllers.js';

const WANTED = new Set(['celldeployment', 'releaseorder', 'releaseplan']);

async function main(): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KUBECONFIG ?? '');
  return runManager({ kubeConfig: kc, metricsPort: 0, leaderElect: false, namespace: 'plinth-system', controllers: controllers().filter((m) => WANTED.has(m.name)) });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`release-plan-manager failed: ${String(err)}\n`);
    process.exit(1);
  },
);
