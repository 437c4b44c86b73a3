// The lossless-release invariant watcher. It watches a CellDeployment's pods, the namespace's EndpointSlices
// and the ReleaseOrders with Plinth's own Informer for the whole release and records every violation:
//
//  1. out of traffic means out: once a pod's gate went False, its Ready condition followed, and a later
//     EndpointSlice showed it not ready, no EndpointSlice lists it as ready or serving again until its gate is
//     True;
//  2. no change in traffic: when a pod's images change in place, or a pod disappears, it is not in traffic
//     and its gate has been False for at least drainSeconds (as seen by this watcher);
//  3. gate True only on ready containers: when the gate turns True, every container runs its spec image and
//     is ready;
//  4. unit capacity: at every moment, for some batch b of the releases, every unit U has
//     ready(U) >= target(U) - |b ∩ U| (checked at the end, against the stored batch plans); with `strict`,
//     every pod that is not ready (or missing) also belongs to that one batch.
//
// Rules 1 and 2 relate two watches (pods and EndpointSlices) that arrive independently: either may lag the
// other by a few hundred ms, so judging one by the other's cache on arrival gives false alarms both ways. The
// watcher therefore records both streams and replays them at stop() in resourceVersion order (one etcd
// revision counter orders every write; a test tool may read resourceVersions as numbers, Plinth never does).
//
// Propagation is allowed for: the moments between a gate turning False and the EndpointSlice controller
// taking the pod out (the controller waits for exactly that before changing anything). A slice written before
// the pod's Ready went False does not count as "out": the EndpointSlice controller may still be catching up
// with an earlier state of the pod (seen: not ready from before the pod turned Ready, then ready, then out). Terminating endpoints
// count as in traffic only when `ready` (proxies use serving-but-terminating endpoints only as a fallback when
// a Service has no ready endpoint).
import type { V1Pod } from '@kubernetes/client-node';
import type { ReleaseOrder } from '../../src/api/index.js';
import type { KubeClient } from '../../src/kube/http.js';
import { Informer } from '../../src/kube/informer.js';
import { inNamespace, type KubeObject } from '../../src/kube/resource.js';
import { KEYS, RES } from '../../src/release/keys.js';
import type { EndpointSliceLike } from '../../src/release/pod/endpoints.js';
import { containersReadyOnSpec } from '../../src/release/pod/state.js';

type Pod = V1Pod & KubeObject;

interface PodTrack {
  name: string;
  gate: string | undefined;
  gateFalseAt: number | undefined;
  /** The EndpointSlices showed it out of traffic after its gate went False and its Ready condition followed. */
  outSeen: boolean;
  /** Its Ready condition is not True (as of the replayed version). */
  notReady: boolean;
  images: string;
}

interface Snapshot {
  t: number;
  /** unit -> ready pods (Ready, not deleting). */
  ready: Map<string, number>;
  /** Names of pods not ready (present or missing), with their last known unit. */
  unavailable: Array<{ name: string; unit: string }>;
}

/** One observed watch event; `active`: seen after start() resolved (violations count only then). */
type Observed = { rv: bigint; active: boolean } & ({ kind: 'pod'; pod: Pod; deleted: boolean } | { kind: 'slice'; slice: EndpointSliceLike; deleted: boolean });
type Recorded = Observed & { seq: number; at: number };

const podReady = (p: Pod): boolean => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
const gateOf = (p: Pod): string | undefined => p.status?.conditions?.find((c) => c.type === KEYS.gate)?.status;

/** resourceVersion as the etcd revision it is on a real API server (test-only reading; opaque elsewhere). */
function rvOf(o: KubeObject): bigint {
  try {
    return BigInt(o.metadata?.resourceVersion ?? '0');
  } catch {
    return 0n;
  }
}

export interface WatchReport {
  violations: string[];
  snapshots: number;
  gateFlips: number;
  inPlaceChanges: number;
  deletions: number;
  /** Pods seen, by UID: name, and the last restartCount per container. */
  pods: Map<string, { name: string; restarts: number; revisions: Set<string> }>;
}

export interface WatcherOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  drainSeconds: number;
  /** Target pods per unit (the CellDeployment's unitTargets) at the time of a snapshot. */
  targets: () => ReadonlyMap<string, number>;
  /** Every unavailable pod must belong to the one batch that explains the capacity (default true). */
  strict?: boolean;
  /** Slack for timer comparisons between the controller's and this watcher's view (ms, default 300). */
  slackMs?: number;
}

export class ReleaseWatcher {
  private readonly pods: Informer<Pod>;
  private readonly slices: Informer<EndpointSliceLike>;
  private readonly orders: Informer<KubeObject>;
  private readonly tracks = new Map<string, PodTrack>();
  private readonly replaySlices = new Map<string, EndpointSliceLike>();
  private readonly recorded: Recorded[] = [];
  private readonly lastUnit = new Map<string, string>();
  private readonly snaps: Snapshot[] = [];
  private readonly report: WatchReport = { violations: [], snapshots: 0, gateFlips: 0, inPlaceChanges: 0, deletions: 0, pods: new Map() };
  private active = false;

  constructor(private readonly o: WatcherOptions) {
    const ns = o.namespace;
    this.pods = new Informer<Pod>({ client: o.client, resource: inNamespace(RES.pods, ns), labelSelector: `${KEYS.cellDeployment}=${o.name}`, name: `watch-pods-${o.name}` });
    this.slices = new Informer<EndpointSliceLike>({ client: o.client, resource: inNamespace(RES.endpointSlices, ns), name: `watch-slices-${o.name}` });
    this.orders = new Informer({ client: o.client, resource: inNamespace(RES.releaseOrders, ns), labelSelector: `${KEYS.cellDeployment}=${o.name}`, name: `watch-orders-${o.name}` });
    this.pods.addHandler({
      onAdd: (p) => this.onPod(undefined, p),
      onUpdate: (old, p) => this.onPod(old, p),
      onDelete: (p) => this.onPodDeleted(p),
    });
    const slice = (sl: EndpointSliceLike, deleted: boolean): void => this.record({ kind: 'slice', rv: rvOf(sl), slice: sl, deleted, active: this.active });
    this.slices.addHandler({ onAdd: (sl) => slice(sl, false), onUpdate: (_o, sl) => slice(sl, false), onDelete: (sl) => slice(sl, true) });
  }

  /** Start watching; resolves once the caches are synced (the invariants hold from then on). */
  async start(): Promise<this> {
    this.slices.start();
    this.orders.start();
    await Promise.all([this.slices.synced, this.orders.synced]);
    this.pods.start();
    await this.pods.synced;
    this.active = true;
    this.snapshot();
    return this;
  }

  /** Stop, evaluate the unit-capacity snapshots against the stored batch plans, and report. */
  async stop(): Promise<WatchReport> {
    this.active = false;
    await Promise.all([this.pods.stop(), this.slices.stop(), this.orders.stop()]);
    this.replay();
    this.checkCapacity();
    this.report.snapshots = this.snaps.length;
    return this.report;
  }

  private violation(msg: string, at = Date.now()): void {
    if (this.report.violations.length < 200) this.report.violations.push(`${new Date(at).toISOString()} ${msg}`);
  }

  private inTraffic(uid: string): boolean {
    for (const s of this.replaySlices.values()) {
      for (const e of s.endpoints ?? []) {
        if (e.targetRef?.uid !== uid) continue;
        const ready = e.conditions?.ready !== false;
        // Terminating endpoints are a last-resort fallback of proxies: only `ready` counts (see inTraffic in src).
        if (e.conditions?.terminating === true ? ready : ready || (e.conditions?.serving ?? ready)) return true;
      }
    }
    return false;
  }

  private record(ev: Observed): void {
    if (this.recorded.length < 500_000) this.recorded.push({ ...ev, seq: this.recorded.length, at: Date.now() });
  }

  private onPod(old: Pod | undefined, p: Pod): void {
    const uid = p.metadata?.uid ?? '';
    const name = p.metadata?.name ?? '';
    const gate = gateOf(p);
    this.lastUnit.set(name, p.metadata?.labels?.[KEYS.unit] ?? '');
    const restarts = (p.status?.containerStatuses ?? []).reduce((a, c) => a + (c.restartCount ?? 0), 0);
    const rec = this.report.pods.get(uid) ?? { name, restarts: 0, revisions: new Set<string>() };
    rec.restarts = Math.max(rec.restarts, restarts);
    rec.revisions.add(p.metadata?.labels?.[KEYS.revision] ?? '');
    this.report.pods.set(uid, rec);
    if (this.active && old !== undefined && gate !== gateOf(old)) {
      this.report.gateFlips++;
      if (gate === 'True' && !containersReadyOnSpec(p)) this.violation(`pod ${name} gate True while its containers are not ready on their spec images`);
    }
    this.record({ kind: 'pod', rv: rvOf(p), pod: p, deleted: false, active: this.active });
    if (this.active) this.snapshot();
  }

  private onPodDeleted(p: Pod): void {
    this.record({ kind: 'pod', rv: rvOf(p), pod: p, deleted: true, active: this.active });
    if (this.active) this.snapshot();
  }

  /** Rules 1 and 2, replayed over both streams in resourceVersion order. */
  private replay(): void {
    const evs = [...this.recorded].sort((a, b) => (a.rv === b.rv ? a.seq - b.seq : a.rv < b.rv ? -1 : 1));
    for (const ev of evs) {
      if (ev.kind === 'slice') {
        const key = ev.slice.metadata?.name ?? '';
        if (ev.deleted) this.replaySlices.delete(key);
        else this.replaySlices.set(key, ev.slice);
        for (const [uid, t] of this.tracks) {
          if (t.gate !== 'False') continue;
          // Out counts only from a slice written after the pod's Ready went False (replay order): an earlier
          // slice may still show the pod's state from before it turned Ready.
          if (!this.inTraffic(uid)) t.outSeen ||= t.notReady;
          else if (t.outSeen && ev.active) this.violation(`pod ${t.name} (${uid}) is in traffic again while its gate is False (slice rv ${ev.rv})${this.story(evs, uid, ev.rv)}`, ev.at);
        }
        continue;
      }
      const p = ev.pod;
      const uid = p.metadata?.uid ?? '';
      const name = p.metadata?.name ?? '';
      let t = this.tracks.get(uid);
      if (ev.deleted) {
        if (ev.active && t) {
          this.report.deletions++;
          const everServing = t.gate === 'True' || t.gateFalseAt !== undefined;
          if (everServing) this.checkChange(uid, t, `pod ${t.name} disappeared`, ev.at);
        }
        this.tracks.delete(uid);
        continue;
      }
      const gate = gateOf(p);
      const images = JSON.stringify((p.spec?.containers ?? []).map((c) => c.image));
      if (!t) {
        t = { name, gate, gateFalseAt: gate === 'False' ? ev.at : undefined, outSeen: false, notReady: !podReady(p), images };
        this.tracks.set(uid, t);
      } else {
        if (gate !== t.gate && gate === 'False') t.gateFalseAt = ev.at;
        if (images !== t.images && ev.active) {
          this.report.inPlaceChanges++;
          this.checkChange(uid, t, `images of ${name} changed in place`, ev.at);
        }
      }
      t.gate = gate;
      t.images = images;
      t.notReady = !podReady(p);
      if (gate !== 'False' || !t.notReady) t.outSeen = false;
    }
  }

  /** With PLINTH_WATCH_DEBUG: what the replay saw of one pod up to `rv` (pod versions and its endpoints). */
  private story(evs: readonly Recorded[], uid: string, rv: bigint): string {
    if (!process.env.PLINTH_WATCH_DEBUG) return '';
    const lines: string[] = [];
    for (const e of evs) {
      if (e.rv > rv) break;
      if (e.kind === 'pod' && e.pod.metadata?.uid === uid) {
        const c = (t: string): string => e.pod.status?.conditions?.find((x) => x.type === t)?.status ?? '-';
        lines.push(`  rv ${e.rv} +${e.at % 100000} pod gate=${c(KEYS.gate)} Ready=${c('Ready')} CR=${c('ContainersReady')} img=${(e.pod.spec?.containers ?? []).map((x) => x.image).join(',')} st=${(e.pod.status?.containerStatuses ?? []).map((x) => `${x.image}:${x.ready}`).join(',')}${e.deleted ? ' DELETED' : ''}`);
      }
      if (e.kind === 'slice') {
        for (const ep of e.slice.endpoints ?? []) if (ep.targetRef?.uid === uid) lines.push(`  rv ${e.rv} +${e.at % 100000} slice ${e.slice.metadata?.name} ${JSON.stringify(ep.conditions)}`);
      }
    }
    return `\n${lines.slice(-14).join('\n')}`;
  }

  private checkChange(uid: string, t: PodTrack, what: string, at: number): void {
    if (this.inTraffic(uid)) this.violation(`${what} while an EndpointSlice lists it as ready or serving`, at);
    if (t.gate !== 'False' || t.gateFalseAt === undefined) {
      this.violation(`${what} while its gate is ${t.gate ?? 'unset'}`, at);
      return;
    }
    const drained = at - t.gateFalseAt;
    if (drained < this.o.drainSeconds * 1000 - (this.o.slackMs ?? 300)) this.violation(`${what} after only ${drained} ms out of traffic (drainSeconds ${this.o.drainSeconds})`, at);
  }

  private snapshot(): void {
    const ready = new Map<string, number>();
    const present = new Set<string>();
    const unavailable: Array<{ name: string; unit: string }> = [];
    for (const p of this.pods.list()) {
      const name = p.metadata?.name ?? '';
      const unit = p.metadata?.labels?.[KEYS.unit] ?? '';
      if (p.metadata?.deletionTimestamp) {
        unavailable.push({ name, unit });
        continue;
      }
      present.add(name);
      if (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready.set(unit, (ready.get(unit) ?? 0) + 1);
      else unavailable.push({ name, unit });
    }
    // Pods that were seen and are gone: missing (being recreated, or scaled away).
    for (const [name, unit] of this.lastUnit) {
      if (!present.has(name) && !unavailable.some((u) => u.name === name)) unavailable.push({ name, unit });
    }
    this.snaps.push({ t: Date.now(), ready, unavailable });
    this.targetsAt.push(new Map(this.o.targets()));
  }

  private readonly targetsAt: Array<Map<string, number>> = [];

  private checkCapacity(): void {
    const batches: string[][] = [];
    for (const o of this.orders.list() as unknown as ReleaseOrder[]) for (const b of o.status?.batches ?? []) batches.push(b.pods);
    this.snaps.forEach((s, i) => {
      const targets = this.targetsAt[i]!;
      const short = [...targets].filter(([u, n]) => (s.ready.get(u) ?? 0) < n);
      if (short.length === 0) return;
      const fits = batches.some((b) => {
        const names = new Set(b);
        const inUnit = new Map<string, number>();
        for (const n of b) {
          const u = this.lastUnit.get(n) ?? '';
          inUnit.set(u, (inUnit.get(u) ?? 0) + 1);
        }
        const capacityOk = short.every(([u, n]) => (s.ready.get(u) ?? 0) >= n - (inUnit.get(u) ?? 0));
        const onlyBatch = !(this.o.strict ?? true) || s.unavailable.every((x) => names.has(x.name) || !targets.has(x.unit) || (targets.get(x.unit) ?? 0) <= (s.ready.get(x.unit) ?? 0));
        return capacityOk && onlyBatch;
      });
      if (!fits) {
        const desc = short.map(([u, n]) => `${u}: ${s.ready.get(u) ?? 0}/${n} ready`).join(', ');
        this.violation(`capacity at ${new Date(s.t).toISOString()}: ${desc}; unavailable ${s.unavailable.map((x) => `${x.name}@${x.unit}`).join(' ')} fit no batch`);
      }
    });
  }
}

/** Runs `fn` under a watcher (started before, stopped after, also when `fn` throws). */
export async function watched<T>(opts: WatcherOptions, fn: () => Promise<T>): Promise<{ result: T; report: WatchReport }> {
  const w = await new ReleaseWatcher(opts).start();
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    const report = await w.stop();
    if (report.violations.length > 0) (err as Error).message += `\nwatcher violations:\n${report.violations.join('\n')}`;
    throw err;
  }
  return { result, report: await w.stop() };
}
