import { sleep } from '../../../kube/clock.js';
import { PlinthError } from '../../../errors/index.js';
import type { KubeClient } from '../../../kube/http.js';
import { ref } from '../../../kube/resource.js';
import type { ExportIndex } from '../types.js';
import { readiness } from '../verify.js';

const PLURALS: Record<string, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets', ReplicaSet: 'replicasets' };

/**
 * Wait until every exported apps/v1 workload reports its desired ready count (three or four list
 * calls per poll, whatever the number of objects). Returns "ready/total"; throws naming the first
 * workloads still not ready after `timeoutMs`.
 */
export async function waitWorkloadsReady(client: KubeClient, index: ExportIndex, timeoutMs: number, signal?: AbortSignal): Promise<string> {
  const wanted = index.objects.filter((e) => e.apiVersion.startsWith('apps/') && PLURALS[e.kind]);
  const kinds = [...new Set(wanted.map((e) => e.kind))];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = new Map<string, { ready: boolean; text: string }>();
    for (const kind of kinds) {
      signal?.throwIfAborted();
      const list = await client.list<Record<string, unknown> & { metadata?: { name?: string; namespace?: string; generation?: number } }>(ref('apps/v1', PLURALS[kind] ?? ''), signal ? { signal } : {});
      for (const o of list.items) {
        const r = readiness(kind, o);
        state.set(`${kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`, { ready: r.observed && r.ready >= r.desired, text: `${r.ready}/${r.desired}` });
      }
    }
    const notReady = wanted.map((e) => `${e.kind} ${e.namespace ?? ''}/${e.name}`).filter((k) => state.get(k)?.ready !== true);
    if (notReady.length === 0) return `${wanted.length}/${wanted.length} workloads ready`;
    if (Date.now() > deadline) {
      throw new PlinthError('TIMEOUT', {
        seconds: Math.round(timeoutMs / 1000),
        what: `${notReady.length} workloads to be ready (${notReady.slice(0, 3).map((k) => `${k} ${state.get(k)?.text ?? 'missing'}`).join(', ')})`,
        fix: 'check the old cluster\'s controllers and nodes; rerun the rollback to verify again',
      });
    }
    await sleep(500, signal);
  }
}
