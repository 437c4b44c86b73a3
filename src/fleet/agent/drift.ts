// Drift: watches the objects the agent applied (informers per kind, filtered by its label) and corrects
// (`Correct`: re-apply; a delete re-creates) or reports (`Report`) any change to the fields it owns.
import type { Logger } from 'pino';
import { errorMessage } from '../../errors/index.js';
import { rfc3339 } from '../../kube/clock.js';
import type { KubeClient } from '../../kube/http.js';
import { Informer } from '../../kube/informer.js';
import type { KubeObject as AnyObject, ResourceRef } from '../../kube/resource.js';
import type { KubeObject } from '../artifact.js';
import type { MemberApplier, Prepared } from './applier.js';
import { LABEL_AGENT_RECORD, comparable, describeRef, firstDrift, refKey, refOf } from './objects.js';
import type { DriftCounts } from './record.js';

interface Desired {
  obj: KubeObject;
  resource: ResourceRef;
  delivery: string;
  /** Live resourceVersion at which a drift was last handled (a later event at it is not a new drift). */
  handledRv?: string;
  /** resourceVersion of the agent's last correction: older cached versions are not drift. */
  correctedRv?: string;
  correcting?: boolean;
}

interface Entry {
  mode: 'Correct' | 'Report';
  refs: Set<string>;
  paused: boolean;
  counts: DriftCounts;
  /** Objects drifted now (Report mode), `Kind namespace/name`. */
  drifted: Map<string, string>;
}

const resourceKey = (r: ResourceRef): string => `${r.group}/${r.version}/${r.plural}`;
const cacheKey = (o: { namespace?: string; name: string }): string => (o.namespace ? `${o.namespace}/${o.name}` : o.name);

function olderThan(rv: string | undefined, than: string | undefined): boolean {
  if (rv === undefined || than === undefined || !/^\d+$/.test(rv) || !/^\d+$/.test(than)) return false;
  return BigInt(rv) < BigInt(than);
}

export class DriftWatcher {
  private readonly entries = new Map<string, Entry>();
  private readonly desired = new Map<string, Desired>();
  private readonly informers = new Map<string, Informer>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly client: KubeClient,
    private readonly applier: MemberApplier,
    private readonly log: Logger,
    /** Called when a delivery's drift counts or drifted objects changed (to write its status). */
    private readonly onChange: (delivery: string) => void,
    /** Called when an applied object changed without drifting (e.g. its status: a rollout progressed), to re-check health. */
    private readonly onLiveChange?: (delivery: string) => void,
  ) {}

  /** Watch a delivery's applied objects (replacing what was watched for it). */
  set(delivery: string, mode: 'Correct' | 'Report', prepared: readonly Prepared[], counts: DriftCounts): void {
    const prev = this.entries.get(delivery);
    for (const k of prev?.refs ?? []) this.desired.delete(k);
    const refs = new Set<string>();
    for (const p of prepared) {
      if (!p.resource) continue;
      const k = refKey(refOf(p.obj));
      refs.add(k);
      this.desired.set(k, { obj: p.obj, resource: p.resource, delivery });
    }
    this.entries.set(delivery, { mode, refs, paused: false, counts: prev?.counts ?? { ...counts }, drifted: new Map() });
    for (const p of prepared) if (p.resource) this.ensureInformer(p.resource);
    this.dropUnusedInformers();
    for (const k of refs) this.check(k);
  }

  /** Stop reacting for a delivery while the agent applies a new revision of it. */
  pause(delivery: string): void {
    const e = this.entries.get(delivery);
    if (e) e.paused = true;
  }

  /** React again (after a suspend); checks every object at once. */
  resume(delivery: string): void {
    const e = this.entries.get(delivery);
    if (!e?.paused) return;
    e.paused = false;
    for (const k of e.refs) this.check(k);
  }

  remove(delivery: string): void {
    const e = this.entries.get(delivery);
    for (const k of e?.refs ?? []) this.desired.delete(k);
    this.entries.delete(delivery);
    this.dropUnusedInformers();
  }

  /** Stop watching kinds no delivery applies any more (their CRD may be gone). */
  private dropUnusedInformers(): void {
    const used = new Set([...this.desired.values()].map((d) => resourceKey(d.resource)));
    for (const [rk, inf] of this.informers) {
      if (used.has(rk)) continue;
      this.informers.delete(rk);
      inf.stop().catch(() => undefined);
    }
  }

  counts(delivery: string): DriftCounts | undefined {
    return this.entries.get(delivery)?.counts;
  }

  driftedNow(delivery: string): string[] {
    return [...(this.entries.get(delivery)?.drifted.values() ?? [])].sort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.retries.values()) clearTimeout(t);
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }

  private ensureInformer(resource: ResourceRef): void {
    const rk = resourceKey(resource);
    if (this.informers.has(rk)) return;
    const base = { group: resource.group, version: resource.version, plural: resource.plural };
    const inf = new Informer({ client: this.client, resource: base, labelSelector: LABEL_AGENT_RECORD, name: `drift ${rk}` });
    this.informers.set(rk, inf);
    const byObject = (o: AnyObject): void => {
      const k = refKey(refOf(o as KubeObject));
      if (this.desired.has(k)) this.check(k);
    };
    const updated = (old: AnyObject, o: AnyObject): void => {
      byObject(o);
      const d = this.desired.get(refKey(refOf(o as KubeObject)));
      if (d && this.onLiveChange && old.metadata?.resourceVersion !== o.metadata?.resourceVersion) this.onLiveChange(d.delivery);
    };
    inf.addHandler({ onAdd: byObject, onUpdate: updated, onDelete: byObject });
    inf.start();
    inf.synced.then(
      () => {
        for (const [k, d] of this.desired) if (resourceKey(d.resource) === rk) this.check(k);
      },
      () => undefined,
    );
  }

  private check(k: string): void {
    if (this.stopped) return;
    const d = this.desired.get(k);
    const e = d && this.entries.get(d.delivery);
    if (!d || !e || e.paused || d.correcting) return;
    const inf = this.informers.get(resourceKey(d.resource));
    if (!inf?.hasSynced()) return;
    const live = inf.get(cacheKey(d.obj.metadata));
    const rv = live?.metadata?.resourceVersion;
    if (live && olderThan(rv, d.correctedRv)) return;
    const where = live ? firstDrift(comparable(d.obj), live) : 'deleted';
    const what = describeRef(refOf(d.obj));
    if (where === undefined) {
      if (e.drifted.delete(k)) this.onChange(d.delivery);
      return;
    }
    if (live && rv !== undefined && rv === d.handledRv) return;
    d.handledRv = rv ?? `deleted`;
    if (e.mode === 'Report') {
      if (!e.drifted.has(k)) {
        e.drifted.set(k, `${d.obj.kind}/${d.obj.metadata.namespace ?? ''}/${d.obj.metadata.name}`);
        e.counts = { ...e.counts, detected: e.counts.detected + 1, lastAt: rfc3339(new Date()) };
        this.log.info({ object: what, field: where, delivery: d.delivery }, 'drift reported');
        this.onChange(d.delivery);
      }
      return;
    }
    e.counts = { ...e.counts, detected: e.counts.detected + 1, lastAt: rfc3339(new Date()) };
    d.correcting = true;
    this.applier.applyOne(d.obj).then(
      (written) => {
        d.correcting = false;
        d.correctedRv = written.metadata.resourceVersion as string | undefined;
        e.counts = { ...e.counts, corrected: e.counts.corrected + 1 };
        this.log.info({ object: what, field: where, delivery: d.delivery }, 'drift corrected');
        this.onChange(d.delivery);
      },
      (err: unknown) => {
        d.correcting = false;
        d.handledRv = undefined;
        this.log.warn({ object: what, err: errorMessage(err) }, 'drift correction failed; retrying');
        this.retryLater(k);
      },
    );
  }

  private retryLater(k: string): void {
    if (this.stopped || this.retries.has(k)) return;
    const t = setTimeout(() => {
      this.retries.delete(k);
      this.check(k);
    }, 2_000);
    t.unref();
    this.retries.set(k, t);
  }
}
