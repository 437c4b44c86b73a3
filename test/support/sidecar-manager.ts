// The Plinth manager with only the sidecar injector (webhook and SidecarSet controller), in its own OS process,
// for test/release-sidecar-drain.test.ts, which SIGKILLs and restarts it. env: KUBECONFIG. Logs to stderr.
import { KubeConfig } from '@kubernetes/client-node';
import { runManager } from '../../src/app/manager/manager.js';
import { controllers } from '../../src/app/manager/controllers.js';

async function main(): Promise<number> {
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KUBECONFIG ?? '');
  return runManager({
    kubeConfig: kc,
    metricsPort: 0,
    leaderElect: false,
    namespace: 'plinth-system',
    controllers: controllers().filter((m) => m.name === 'sidecar-injector'),
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`sidecar-manager failed: ${String(err)}\n`);
    process.exit(1);
  },
);
