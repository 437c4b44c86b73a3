// The lossless invariant of a SidecarSet upgrade, watched from outside: the pods a set injected and the
// namespace's EndpointSlices, watched for the whole upgrade and replayed at stop() in resourceVersion order (one
// etcd revision counter orders every write, so the replay sees each change with the slices as they were when it
// was written; a test tool may read resourceVersions as numbers, Plinth never does).
//
// Violation: a pod's sidecar image (in containers or initContainers) changed while an EndpointSlice listed the
// pod ready or serving (terminating endpoints count only when ready, as in src/release/pod/endpoints.ts).
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../src/kube/http.js';
import { Informer } from '../../src/kube/informer.js';
import { inNamespace, type KubeObject } from '../../src/kube/resource.js';
import { RES } from '../../src/release/keys.js';
import { inTraffic, type EndpointSliceLike } from '../../src/release/pod/endpoints.js';
import { SIDECAR_KEYS } from '../../src/release/sidecar/inject.js';

type Pod = V1Pod & KubeObject;
type Event = { rv: bigint; seq: number } & ({ kind: 'pod'; pod: Pod } | { kind: 'slice'; slice: EndpointSliceLike; deleted: boolean });

function rvOf(o: KubeObject): bigint {
  try {
    return BigInt(o.metadata?.resourceVersion ?? '0');
  } catch {
    return 0n;
  }
}

export interface SidecarWatchReport {
  violations: string[];
  /** Sidecar image changes seen, all pods. */
  changes: number;
  /** Pods seen out of traffic (listed, but neither ready nor serving) at some point, by name. */
  drained: Set<string>;
}

export class SidecarWatcher {
  private readonly pods: Informer<Pod>;
  private readonly slices: Informer<EndpointSliceLike>;
  private readonly events: Event[] = [];
  private seq = 0;

  constructor(
    client: KubeClient,
    ns: string,
    private readonly container: string,
  ) {
    this.pods = new Informer<Pod>({ client, resource: inNamespace(RES.pods, ns), labelSelector: `${SIDECAR_KEYS.injected}=true`, name: 'watch-sidecar-pods' });
    this.slices = new Informer<EndpointSliceLike>({ client, resource: inNamespace(RES.endpointSlices, ns), name: 'watch-sidecar-slices' });
    const pod = (p: Pod): void => void this.events.push({ kind: 'pod', pod: p, rv: rvOf(p), seq: this.seq++ });
    const slice = (s: EndpointSliceLike, deleted: boolean): void => void this.events.push({ kind: 'slice', slice: s, deleted, rv: rvOf(s), seq: this.seq++ });
    this.pods.addHandler({ onAdd: pod, onUpdate: (_o, p) => pod(p), onDelete: () => undefined });
    this.slices.addHandler({ onAdd: (s) => slice(s, false), onUpdate: (_o, s) => slice(s, false), onDelete: (s) => slice(s, true) });
  }

  async start(): Promise<this> {
    this.slices.start();
    this.pods.start();
    await Promise.all([this.slices.synced, this.pods.synced]);
    return this;
  }

  async stop(): Promise<SidecarWatchReport> {
    await Promise.all([this.pods.stop(), this.slices.stop()]);
    const report: SidecarWatchReport = { violations: [], changes: 0, drained: new Set() };
    const slices = new Map<string, EndpointSliceLike>();
    const image = new Map<string, string>();
    const sidecarImage = (p: Pod): string | undefined =>
      [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].find((c: V1Container) => c.name === this.container)?.image;
    const sorted = [...this.events].sort((a, b) => (a.rv === b.rv ? a.seq - b.seq : a.rv < b.rv ? -1 : 1));
    for (const e of sorted) {
      if (e.kind === 'slice') {
        const key = `${e.slice.metadata?.namespace ?? ''}/${e.slice.metadata?.name ?? ''}`;
        if (e.deleted) slices.delete(key);
        else slices.set(key, e.slice);
        for (const ep of e.slice.endpoints ?? []) {
          if (ep.targetRef?.name && ep.conditions?.ready === false && ep.conditions.serving !== true) report.drained.add(ep.targetRef.name);
        }
        continue;
      }
      const uid = e.pod.metadata?.uid ?? '';
      const now = sidecarImage(e.pod);
      const before = image.get(uid);
      if (now !== undefined) image.set(uid, now);
      if (before === undefined || now === undefined || before === now) continue;
      report.changes++;
      if (inTraffic(e.pod, [...slices.values()])) {
        report.violations.push(`pod ${e.pod.metadata?.name ?? ''}: sidecar ${this.container} changed ${before} -> ${now} (rv ${e.rv}) while an EndpointSlice listed it ready or serving`);
      }
    }
    return report;
  }
}
