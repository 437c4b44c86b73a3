import type { KubeClient } from '../../kube/http.js';
import { PlinthError } from '../../errors/index.js';
import { isNotFound } from '../../kube/api-error.js';
import { sleep } from '../../kube/clock.js';

const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' } as const;

interface Crd {
  status?: { conditions?: Array<{ type?: string; status?: string }> };
}

/** Wait until every named CRD reports Established=True (its resources are then served). */
export async function waitEstablished(client: KubeClient, names: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let waiting = [...names];
  for (;;) {
    const still: string[] = [];
    for (const n of waiting) {
      try {
        const crd = await client.get<Crd>(CRDS, n);
        if (!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) still.push(n);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        still.push(n);
      }
    }
    waiting = still;
    if (waiting.length === 0) return;
    if (Date.now() > deadline) {
      throw new PlinthError('UPGRADE_MIGRATE_CRD_NOT_ESTABLISHED', { seconds: Math.round(timeoutMs / 1000), names: waiting.slice(0, 5).join(', ') });
    }
    await sleep(200);
  }
}
