// The Plinth manager with only the release controllers, in its own OS process, for test/release-kill.test.ts
// (which SIGKILLs and restarts it). env: KUBECONFIG. Logs to stderr; exits with the manager's code.
import { KubeConfig } from '@kubernetes/client-node';
import { runManager } from '../../src/manager/manager.js';
import { controllers } from '../../src/manager/registry.js';

async function main(): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KUBECONFIG ?? '');
  const release = controllers().filter((m) => m.name === 'celldeployment' || m.name === 'releaseorder');
  return runManager({ kubeConfig: kc, metricsPort: 0, leaderElect: false, namespace: 'plinth-system', controllers: release });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`release-manager failed: ${String(err)}\n`);
    process.exit(1);
  },
);
