import type { KubeClient } from '../kube/http.js';
import { apply, type ApplyObject } from '../kube/apply.js';
import { sleep } from '../kube/clock.js';
import { ref } from '../kube/resource.js';
import { PlinthError } from '../errors/index.js';
import { allCrds, type CustomResourceDefinition } from './index.js';
import { crdForServer, parseServerVersion } from './compat.js';

const CRDS = ref('apiextensions.k8s.io/v1', 'customresourcedefinitions');

interface CrdState {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/**
 * Install (or update) Plinth's CRDs with server-side apply and wait until the API server
 * serves them (condition Established). Idempotent.
 */
export async function installCrds(
  client: KubeClient,
  opts: { crds?: CustomResourceDefinition[]; timeoutMs?: number } = {},
): Promise<string[]> {
  const crds = opts.crds ?? allCrds();
  const server = parseServerVersion(await client.request<{ major?: string; minor?: string; gitVersion?: string }>({ method: 'GET', path: '/version' }));
  for (const crd of crds) {
    await apply(client, CRDS, crdForServer(crd, server) as unknown as ApplyObject, { fieldManager: 'plinth', force: true });
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (const crd of crds) {
    for (;;) {
      const live = await client.get<CrdState>(CRDS, crd.metadata.name);
      const conds = live.status?.conditions ?? [];
      if (conds.some((c) => c.type === 'Established' && c.status === 'True')) break;
      const bad = conds.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
      if (bad) {
        throw new PlinthError('KUBE_API', {
          verb: 'install',
          target: crd.metadata.name,
          status: 'NamesAccepted=False',
          reason: bad.reason ?? '',
          detail: bad.message ?? '',
          fix: 'another CRD already uses these names; remove it or rename',
        });
      }
      if (Date.now() > deadline) {
        throw new PlinthError('TIMEOUT', { seconds: (opts.timeoutMs ?? 30_000) / 1000, what: `CRD ${crd.metadata.name} to be Established`, fix: 'check the API server log' });
      }
      await sleep(100);
    }
  }
  return crds.map((c) => c.metadata.name);
}
