import type { V1Node, V1Pod, V1PodDisruptionBudget, V1ReplicaSet, V1StatefulSet } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/http.js';
import { byNode, byOwnerUid } from '../../kube/indexer.js';
import { Informer } from '../../kube/informer.js';
import { ref } from '../../kube/resource.js';
import { pause } from '../../kube/clock.js';

/**
 * What a run watches, in memory: the selected nodes, all pods (indexed by node), the PDBs and
 * the ReplicaSets/StatefulSets whose pods it evicts. The waits of a run (pod gone, node Ready
 * with its version, workloads back) read these caches instead of polling the API server.
 */
export class World {
  readonly nodes: Informer<V1Node>;
  readonly pods: Informer<V1Pod>;
  readonly pdbs: Informer<V1PodDisruptionBudget>;
  readonly replicaSets: Informer<V1ReplicaSet>;
  readonly statefulSets: Informer<V1StatefulSet>;

  constructor(client: KubeClient, selector: string, pdbApi: string) {
    this.nodes = new Informer<V1Node>({ client, resource: ref('v1', 'nodes'), labelSelector: selector || undefined, name: 'upgrade-nodes/nodes' });
    this.pods = new Informer<V1Pod>({ client, resource: ref('v1', 'pods'), indexers: { node: byNode, owner: byOwnerUid }, name: 'upgrade-nodes/pods' });
    this.pdbs = new Informer<V1PodDisruptionBudget>({ client, resource: ref(pdbApi, 'poddisruptionbudgets'), name: 'upgrade-nodes/pdbs' });
    this.replicaSets = new Informer<V1ReplicaSet>({ client, resource: ref('apps/v1', 'replicasets'), name: 'upgrade-nodes/replicasets' });
    this.statefulSets = new Informer<V1StatefulSet>({ client, resource: ref('apps/v1', 'statefulsets'), name: 'upgrade-nodes/statefulsets' });
  }

  private all(): Informer<never>[] {
    return [this.nodes, this.pods, this.pdbs, this.replicaSets, this.statefulSets] as unknown as Informer<never>[];
  }

  async start(signal: AbortSignal): Promise<void> {
    for (const i of this.all()) i.start();
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
    aborted.catch(() => undefined);
    await Promise.race([Promise.all(this.all().map((i) => i.synced)), aborted]);
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((i) => i.stop()));
  }

  node(name: string): V1Node | undefined {
    return this.nodes.get(name);
  }

  podsOn(node: string): V1Pod[] {
    return this.pods.byIndex('node', node);
  }

  /** Pods that name this owner UID in their ownerReferences. */
  podsOwnedBy(uid: string): V1Pod[] {
    return this.pods.byIndex('owner', uid);
  }

  pod(namespace: string, name: string): V1Pod | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }
}

/** The node's Ready condition is True. */
export function nodeReady(n: V1Node | undefined): boolean {
  return n?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
}

export function kubeletVersion(n: V1Node | undefined): string | undefined {
  return n?.status?.nodeInfo?.kubeletVersion;
}

/** Poll a condition against the caches until it holds, the deadline passes or the signal aborts. */
export async function until(cond: () => boolean, deadline: number, signal: AbortSignal, everyMs = 200): Promise<boolean> {
  for (;;) {
    if (cond()) return true;
    if (signal.aborted || Date.now() >= deadline) return false;
    await pause(Math.min(everyMs, Math.max(1, deadline - Date.now())), signal);
  }
}
