/**
 * Live updates over Server-Sent Events: informers (the runtime in src/kube) on ReleaseOrders and
 * CellDeployments, run with the console's own client, feed every connected browser; each event goes only to
 * users the API server lets list that resource in that namespace (SubjectAccessReview, cached).
 */
import type { ServerResponse } from 'node:http';
import type { CellDeployment, ReleaseOrder } from '../../api/index.js';
import type { KubeClient } from '../../kube/http.js';
import { Informer } from '../../kube/informer.js';
import type { KubeObject } from '../../kube/resource.js';
import { RELEASE_GROUP } from '../../api/index.js';
import { RES } from '../../release/keys.js';
import { AccessCache } from './access.js';
import type { ConsoleIdentity } from './session.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One SSE message (`event: change`, `data:` this JSON). */
export interface ChangeEvent {
  type: ChangeType;
  kind: 'ReleaseOrder' | 'CellDeployment';
  namespace: string;
  name: string;
  resourceVersion: string;
  /** Enough for a list or detail screen to update or to know it must refetch. */
  summary: Record<string, unknown>;
}

/** Pure: the event of a change of a ReleaseOrder or CellDeployment. */
export function changeEvent(type: ChangeType, kind: ChangeEvent['kind'], obj: KubeObject): ChangeEvent {
  const base = { type, kind, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '', resourceVersion: obj.metadata?.resourceVersion ?? '' };
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

const PLURAL: Record<ChangeEvent['kind'], string> = { ReleaseOrder: 'releaseorders', CellDeployment: 'celldeployments' };

interface Subscriber {
  identity: ConsoleIdentity;
  /** The stream ends once this says the session ended. */
  live: () => boolean;
  namespace: string | undefined;
  res: ServerResponse;
  /** Events are checked and written in order, one after the other. */
  chain: Promise<void>;
}

export class EventHub {
  private readonly informers: Informer[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private readonly access: AccessCache;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(client: KubeClient, access: AccessCache = new AccessCache(client)) {
    this.access = access;
    const watch = (kind: ChangeEvent['kind'], inf: Informer): void => {
      inf.addHandler({
        // The initial list's adds are not news to a browser that fetched the list itself.
        onAdd: (o) => {
          if (inf.hasSynced()) this.publish(changeEvent('ADDED', kind, o));
        },
        onUpdate: (_old, o) => this.publish(changeEvent('MODIFIED', kind, o)),
        onDelete: (o) => this.publish(changeEvent('DELETED', kind, o)),
      });
      this.informers.push(inf);
    };
    watch('ReleaseOrder', new Informer({ client, resource: RES.releaseOrders, name: 'console-releaseorders' }));
    watch('CellDeployment', new Informer({ client, resource: RES.cellDeployments, name: 'console-celldeployments' }));
  }

  /** Starts the informers; resolves once they listed everything. */
  async start(): Promise<void> {
    for (const inf of this.informers) inf.start();
    this.heartbeat = setInterval(() => {
      for (const s of this.subscribers) if (this.stillLive(s)) s.res.write(': keep-alive\n\n');
    }, 15_000);
    this.heartbeat.unref();
    await Promise.all(this.informers.map((i) => i.synced));
  }

  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const s of this.subscribers) s.res.end();
    this.subscribers.clear();
    await Promise.all(this.informers.map((i) => i.stop()));
  }

  /** Streams events to `res` (an SSE response whose headers this writes) until the client goes away. */
  subscribe(identity: ConsoleIdentity, live: () => boolean, namespace: string | undefined, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n: connected\n\n');
    const sub: Subscriber = { identity, live, namespace, res, chain: Promise.resolve() };
    this.subscribers.add(sub);
    res.on('close', () => this.subscribers.delete(sub));
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
      if (s.namespace !== undefined && s.namespace !== ev.namespace) continue;
      s.chain = s.chain
        .then(async () => {
          const ok = await this.access.allowed(s.identity, { verb: 'list', group: RELEASE_GROUP, resource: PLURAL[ev.kind], namespace: ev.namespace });
          if (ok && this.subscribers.has(s)) s.res.write(data);
        })
        .catch(() => undefined);
    }
  }
}
