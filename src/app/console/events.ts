/**
 * Live updates over Server-Sent Events: informers (the runtime in src/kube) on ReleaseOrders, CellDeployments
 * and (when the fleet's CRDs are served) FleetDeliveries, ClusterDeliveries and MemberClusters, run with the
 * console's own client, feed every connected browser; pods too, for streams opened with `?namespace=` (one pod
 * informer per namespace while it has subscribers). Each event goes only to users the API server lets list that
 * resource in that namespace (SubjectAccessReview, cached).
 */
import type { ServerResponse } from 'node:http';
import type { CellDeployment, ClusterDelivery, FleetDelivery, MemberCluster, ReleaseOrder } from '../../api/index.js';
import { FLEET_GROUP, FLEET_VERSION } from '../../api/index.js';
import { RES as FLEET_RES } from '../../fleet/delivery/keys.js';
import { BY_DELIVERY, deliveryKeyOf } from '../../fleet/delivery/informers.js';
import { isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { Informer } from '../../kube/informer.js';
import { CORE, inNamespace, type KubeObject } from '../../kube/resource.js';
import { RELEASE_GROUP } from '../../api/index.js';
import { RES } from '../../release/keys.js';
import { AccessCache } from './access.js';
import { clusterDeliverySummary, fleetDeliverySummary, memberClusterSummary, podSummary } from './event-summaries.js';
import type { ConsoleIdentity } from './session.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
export type EventKind = 'ReleaseOrder' | 'CellDeployment' | 'FleetDelivery' | 'ClusterDelivery' | 'MemberCluster' | 'Pod';

/** One SSE message (`event: change`, `data:` this JSON). */
export interface ChangeEvent {
  type: ChangeType;
  kind: EventKind;
  /** "" for a cluster-scoped object (MemberCluster). */
  namespace: string;
  name: string;
  resourceVersion: string;
  /** Enough for a list or detail screen to update or to know it must refetch. */
  summary: Record<string, unknown>;
}

/** Pure: the event of a change of an object of one of the kinds the console streams. */
export function changeEvent(type: ChangeType, kind: EventKind, obj: KubeObject): ChangeEvent {
  const base = { type, kind, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '', resourceVersion: obj.metadata?.resourceVersion ?? '' };
  if (kind === 'FleetDelivery') return { ...base, summary: fleetDeliverySummary(obj as FleetDelivery) };
  if (kind === 'ClusterDelivery') return { ...base, summary: clusterDeliverySummary(obj as ClusterDelivery) };
  if (kind === 'MemberCluster') return { ...base, summary: memberClusterSummary(obj as MemberCluster) };
  if (kind === 'Pod') return { ...base, summary: podSummary(obj) };
  if (kind === 'ReleaseOrder') {
    const o = obj as ReleaseOrder;
    return {
      ...base,
      summary: {
        cellDeployment: o.spec?.target?.name ?? null,
        phase: o.status?.phase ?? 'Pending',
        currentBatch: o.status?.currentBatch ?? null,
        batches: (o.status?.batches ?? []).map((b) => ({ index: b.index, phase: b.phase })),
        confirmedBatches: o.spec?.confirmedBatches ?? 0,
        paused: o.spec?.paused === true,
        rollback: o.spec?.rollback === true,
        historyLength: o.status?.history?.length ?? 0,
      },
    };
  }
  const cd = obj as CellDeployment;
  return {
    ...base,
    summary: {
      phase: cd.status?.phase ?? null,
      replicas: cd.status?.replicas ?? 0,
      readyReplicas: cd.status?.readyReplicas ?? 0,
      updatedReplicas: cd.status?.updatedReplicas ?? 0,
      releaseOrder: cd.status?.releaseOrder ?? null,
    },
  };
}

/** The resource a user must be allowed to list to receive an event of each kind. */
export const EVENT_RESOURCE: Readonly<Record<EventKind, { group: string; resource: string }>> = {
  ReleaseOrder: { group: RELEASE_GROUP, resource: 'releaseorders' },
  CellDeployment: { group: RELEASE_GROUP, resource: 'celldeployments' },
  FleetDelivery: { group: FLEET_GROUP, resource: 'fleetdeliveries' },
  ClusterDelivery: { group: FLEET_GROUP, resource: 'clusterdeliveries' },
  MemberCluster: { group: FLEET_GROUP, resource: 'memberclusters' },
  Pod: { group: '', resource: 'pods' },
};

/**
 * Pure: whether an event goes to a stream opened for `namespace`: pods only to streams opened for theirs; a
 * ClusterDelivery (in a member namespace) also to the streams of its FleetDelivery's namespace, so a delivery
 * screen sees its clusters move; cluster-scoped kinds only to streams opened without a namespace.
 */
export function streamWants(namespace: string | undefined, ev: Pick<ChangeEvent, 'kind' | 'namespace' | 'summary'>): boolean {
  if (namespace === undefined) return ev.kind !== 'Pod';
  if (namespace === ev.namespace) return true;
  return ev.kind === 'ClusterDelivery' && (ev.summary.delivery as { namespace?: string | null } | undefined)?.namespace === namespace;
}

interface Subscriber {
  identity: ConsoleIdentity;
  /** The stream ends once this says the session ended. */
  live: () => boolean;
  namespace: string | undefined;
  res: ServerResponse;
  /** It holds a reference on its namespace's pod informer (the user may list pods there). */
  pods: boolean;
  /** Events are checked and written in order, one after the other. */
  chain: Promise<void>;
}

function byDelivery(o: KubeObject): string[] {
  const k = deliveryKeyOf(o);
  return k ? [k] : [];
}

export class EventHub {
  private readonly informers: Informer[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private readonly access: AccessCache;
  private readonly pods = new Map<string, { informer: Informer; streams: number }>();
  private clusterDeliveries: Informer | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly client: KubeClient,
    access: AccessCache = new AccessCache(client),
  ) {
    this.access = access;
    this.informers.push(
      this.watch('ReleaseOrder', new Informer({ client, resource: RES.releaseOrders, name: 'console-releaseorders' })),
      this.watch('CellDeployment', new Informer({ client, resource: RES.cellDeployments, name: 'console-celldeployments' })),
    );
  }

  private watch(kind: EventKind, inf: Informer): Informer {
    inf.addHandler({
      // The initial list's adds are not news to a browser that fetched the list itself.
      onAdd: (o) => {
        if (inf.hasSynced()) this.publish(changeEvent('ADDED', kind, o));
      },
      onUpdate: (_old, o) => this.publish(changeEvent('MODIFIED', kind, o)),
      onDelete: (o) => this.publish(changeEvent('DELETED', kind, o)),
    });
    return inf;
  }

  /** Whether the API server serves the fleet's group (its CRDs are installed); discovery needs no grant. */
  private async fleetServed(): Promise<boolean> {
    try {
      await this.client.request({ method: 'GET', path: `/apis/${FLEET_GROUP}/${FLEET_VERSION}`, target: `API group ${FLEET_GROUP}` });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** The ClusterDeliveries of a FleetDelivery the console's informer holds (undefined: it does not run or has not synced). */
  clusterDeliveriesOf(namespace: string, name: string): ClusterDelivery[] | undefined {
    const inf = this.clusterDeliveries;
    if (!inf?.hasSynced()) return undefined;
    return inf.byIndex(BY_DELIVERY, `${namespace}/${name}`) as unknown as ClusterDelivery[];
  }

  /** Starts the informers (the fleet's only when its CRDs are served); resolves once they listed everything. */
  async start(): Promise<void> {
    for (const inf of this.informers) inf.start();
    if (await this.fleetServed()) {
      const client = this.client;
      this.clusterDeliveries = new Informer({
        client,
        resource: FLEET_RES.clusterDeliveries,
        name: 'console-clusterdeliveries',
        indexers: { [BY_DELIVERY]: byDelivery },
      });
      const fleet = [
        this.watch('FleetDelivery', new Informer({ client, resource: FLEET_RES.fleetDeliveries, name: 'console-fleetdeliveries' })),
        this.watch('ClusterDelivery', this.clusterDeliveries),
        this.watch('MemberCluster', new Informer({ client, resource: FLEET_RES.memberClusters, name: 'console-memberclusters' })),
      ];
      for (const inf of fleet) inf.start();
      this.informers.push(...fleet);
    }
    this.heartbeat = setInterval(() => {
      for (const s of this.subscribers) if (this.stillLive(s)) s.res.write(': keep-alive\n\n');
    }, 15_000);
    this.heartbeat.unref();
    await Promise.all(this.informers.map((i) => i.synced));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const s of this.subscribers) s.res.end();
    this.subscribers.clear();
    const pods = [...this.pods.values()].map((p) => p.informer);
    this.pods.clear();
    await Promise.all([...this.informers, ...pods].map((i) => i.stop()));
  }

  /** One pod informer per namespace with subscribers: started by the first, stopped when the last leaves. */
  private attachPods(namespace: string): void {
    const had = this.pods.get(namespace);
    if (had) {
      had.streams++;
      return;
    }
    const informer = this.watch('Pod', new Informer({ client: this.client, resource: inNamespace(CORE.pods, namespace), name: `console-pods-${namespace}` }));
    this.pods.set(namespace, { informer, streams: 1 });
    informer.start();
  }

  private detachPods(namespace: string): void {
    const p = this.pods.get(namespace);
    if (!p || --p.streams > 0) return;
    this.pods.delete(namespace);
    p.informer.stop().catch(() => undefined);
  }

  /** Namespaces with a running pod informer (for tests and metrics). */
  get podNamespaces(): string[] {
    return [...this.pods.keys()].sort();
  }

  /** Streams events to `res` (an SSE response whose headers this writes) until the client goes away. */
  subscribe(identity: ConsoleIdentity, live: () => boolean, namespace: string | undefined, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n: connected\n\n');
    const sub: Subscriber = { identity, live, namespace, res, pods: false, chain: Promise.resolve() };
    this.subscribers.add(sub);
    res.on('close', () => {
      this.subscribers.delete(sub);
      if (sub.pods && namespace !== undefined) this.detachPods(namespace);
      sub.pods = false;
    });
    // A pod informer runs only for a namespace whose pods a subscriber may list (no informer for nothing).
    if (namespace !== undefined) {
      this.access
        .allowed(identity, { verb: 'list', ...EVENT_RESOURCE.Pod, namespace })
        .then((ok) => {
          if (!ok || this.stopped || !this.subscribers.has(sub)) return;
          sub.pods = true;
          this.attachPods(namespace);
        })
        .catch(() => undefined);
    }
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Ends the stream of a subscriber whose session ended. */
  private stillLive(s: Subscriber): boolean {
    if (s.live()) return true;
    this.subscribers.delete(s);
    s.res.end();
    return false;
  }

  private publish(ev: ChangeEvent): void {
    const data = `event: change\ndata: ${JSON.stringify(ev)}\n\n`;
    for (const s of this.subscribers) {
      if (!this.stillLive(s)) continue;
      if (!streamWants(s.namespace, ev)) continue;
      s.chain = s.chain
        .then(async () => {
          const ok = await this.access.allowed(s.identity, { verb: 'list', ...EVENT_RESOURCE[ev.kind], namespace: ev.namespace });
          if (ok && this.subscribers.has(s)) s.res.write(data);
        })
        .catch(() => undefined);
    }
  }
}
