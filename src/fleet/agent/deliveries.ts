// Reconciles one ClusterDelivery: apply a newer desired state (never a lower sequence), prune, health, status.
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterDelivery, ClusterDeliveryStatusT } from '../../api/fleet/clusterdelivery.js';
import { errorMessage } from '../../errors/index.js';
import { requeueAfter, type ReconcileContext, type Result } from '../../kube/controller.js';
import type { KubeClient } from '../../kube/http.js';
import type { Informer } from '../../kube/informer.js';
import { rfc3339 } from '../../kube/clock.js';
import { writeStatus } from '../../kube/status.js';
import { decodeArtifact } from '../artifact.js';
import { applyOverrides } from '../overrides/apply.js';
import type { MemberApplier, Prepared } from './applier.js';
import type { DriftWatcher } from './drift.js';
import { HOLD_POLL_MS, holdStatusWrite } from './fold.js';
import { fetchArtifact, readHubInfo } from './hub.js';
import { refKey, refOf, removedRefs, type ObjectRef } from './objects.js';
import { recordId, type AgentRecord, type RecordStore, type StoredRecord } from './record.js';
import { deliveryStatus, onlyProgressMessage } from './status.js';

export const CLUSTER_DELIVERIES = { group: 'fleet.plinth.dev', version: 'v1alpha1', plural: 'clusterdeliveries' } as const;

/** Re-check health this often while a rollout progresses, and this often once it is settled. */
const PROGRESS_RECHECK_MS = 2_000;
const SETTLED_RECHECK_MS = 30_000;
const ERROR_RECHECK_MS = 5_000;

export interface ReconcilerDeps {
  hub: KubeClient;
  hubKc: KubeConfig;
  deliveries: Informer;
  store: RecordStore;
  applier: MemberApplier;
  drift: DriftWatcher;
}

function union(a: readonly ObjectRef[], b: readonly ObjectRef[]): ObjectRef[] {
  const m = new Map<string, ObjectRef>();
  for (const r of [...a, ...b]) m.set(refKey(r), r);
  return [...m.values()];
}

/** The desired objects of a stored record, ready to apply (the overrides it recorded applied). */
export async function preparedOf(applier: MemberApplier, stored: StoredRecord): Promise<Prepared[] | undefined> {
  if (!stored.artifact) return undefined;
  const r = stored.record;
  const body = decodeArtifact(stored.artifact, r.digest);
  const { objects } = applyOverrides(body.objects, r.overrides);
  return applier.prepare(objects, { recordId: recordId(r.delivery), delivery: r.delivery, ...(r.targetNamespace ? { targetNamespace: r.targetNamespace } : {}) });
}

export class DeliveryReconciler {
  private hubCa: { ca: string | undefined; at: number } | undefined;

  constructor(private readonly d: ReconcilerDeps) {}

  async reconcile(key: string, ctx: ReconcileContext): Promise<Result> {
    const cd = this.d.deliveries.get(key) as unknown as ClusterDelivery | undefined;
    let stored = await this.d.store.get(key, ctx.signal);
    if (!cd) {
      if (this.d.deliveries.hasSynced() && stored) await this.forget(stored, ctx);
      return { done: true };
    }
    const spec = cd.spec;
    const rec = stored?.record;
    // Suspended: no apply and no drift correction until resumed.
    if (spec.suspend) this.d.drift.pause(key);
    else this.d.drift.resume(key);
    let error: string | undefined;
    let stale: number | undefined;
    if (rec && spec.sequence < rec.sequence) {
      stale = spec.sequence;
      ctx.log.warn({ sequence: spec.sequence, applied: rec.sequence }, 'the hub asks for a lower sequence than the one applied; ignored');
    } else if (!spec.suspend && (!rec || spec.sequence > rec.sequence || rec.phase !== 'Applied')) {
      try {
        stored = await this.applyDesired(key, cd, stored, ctx);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        error = errorMessage(err);
        ctx.log.warn({ sequence: spec.sequence, err: error }, 'could not apply the desired state');
      }
    }
    const record = stored?.record;
    const health = record && record.inventory.length > 0 ? await this.d.applier.health(record.inventory, ctx.signal) : record ? { health: 'Healthy' as const } : undefined;
    const counts = this.d.drift.counts(key) ?? record?.driftCounts;
    if (stored && counts && JSON.stringify(counts) !== JSON.stringify(stored.record.driftCounts)) {
      stored = { ...stored, record: { ...stored.record, driftCounts: counts } };
      await this.d.store.put(stored, ctx.signal);
    }
    const input = {
      generation: cd.metadata?.generation,
      record,
      health,
      drift: counts,
      driftedNow: this.d.drift.driftedNow(key),
      ...(error ? { error } : {}),
      ...(stale !== undefined ? { staleSequence: stale } : {}),
      ...(spec.suspend ? { suspended: true } : {}),
    };
    // One hub write per revision when it settles soon: "applied" waits (a little) for "healthy" (fold.ts).
    const urgent = error !== undefined || stale !== undefined || spec.suspend === true || input.driftedNow.length > 0;
    if (holdStatusWrite({ prev: cd.status, record, health: health?.health, urgent, now: Date.now() })) return requeueAfter(HOLD_POLL_MS);
    try {
      await writeStatus({
        client: this.d.hub,
        resource: { ...CLUSTER_DELIVERIES, namespace: cd.metadata.namespace! },
        name: cd.metadata.name!,
        current: cd as never,
        signal: ctx.signal,
        desired: (obj) => {
          const prev = (obj as unknown as ClusterDelivery).status;
          const next = withUnmatched(deliveryStatus(prev, input), record);
          return onlyProgressMessage(prev, next) ? undefined : next;
        },
      });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      ctx.log.info({ err: errorMessage(err) }, 'status not written (hub unreachable?); retrying');
      return requeueAfter(ERROR_RECHECK_MS);
    }
    if (error) return requeueAfter(ERROR_RECHECK_MS);
    if (record?.phase !== 'Applied' && !spec.suspend && stale === undefined) return requeueAfter(ERROR_RECHECK_MS);
    return requeueAfter(health?.health === 'Progressing' ? PROGRESS_RECHECK_MS : SETTLED_RECHECK_MS);
  }

  /** Fetch, override, apply, prune; the record says Applying before the first write and Applied after. */
  private async applyDesired(key: string, cd: ClusterDelivery, stored: StoredRecord | undefined, ctx: ReconcileContext): Promise<StoredRecord> {
    const spec = cd.spec;
    const rec = stored?.record;
    const digest = spec.artifact.digest;
    const bytes = stored?.artifact && rec?.digest === digest ? stored.artifact : await fetchArtifact({ url: spec.artifact.url, digest, kc: this.d.hubKc, ca: await this.ca(ctx.signal), signal: ctx.signal });
    const body = decodeArtifact(bytes, digest);
    const { objects, unmatched } = applyOverrides(body.objects, spec.overrides);
    const id = recordId(key);
    const prepared = await this.d.applier.prepare(objects, { recordId: id, delivery: key, ...(spec.targetNamespace ? { targetNamespace: spec.targetNamespace } : {}) });
    const inventory = prepared.map((p) => refOf(p.obj));
    const previous = rec ? (rec.phase === 'Applied' ? rec.inventory : union(rec.previous ?? [], rec.inventory)) : [];
    const base: AgentRecord = {
      delivery: key,
      sequence: spec.sequence,
      revision: spec.revision,
      digest,
      overrides: spec.overrides ?? [],
      ...(spec.targetNamespace ? { targetNamespace: spec.targetNamespace } : {}),
      prune: spec.prune,
      drift: spec.drift,
      phase: 'Applying',
      inventory,
      previous,
      driftCounts: this.d.drift.counts(key) ?? rec?.driftCounts ?? { detected: 0, corrected: 0 },
      ...(rec?.appliedSequence !== undefined
        ? { appliedSequence: rec.appliedSequence, appliedRevision: rec.appliedRevision, appliedDigest: rec.appliedDigest, appliedAt: rec.appliedAt }
        : {}),
      ...(unmatched.length > 0 ? { unmatched } : {}),
    };
    await this.d.store.put({ record: base, artifact: bytes }, ctx.signal);
    this.d.drift.pause(key);
    ctx.log.info({ sequence: spec.sequence, revision: spec.revision, objects: prepared.length }, 'applying');
    const { failures } = await this.d.applier.applyAll(prepared, ctx.signal);
    let record: AgentRecord;
    if (failures.length === 0) {
      const pruneFailures = spec.prune ? await this.d.applier.prune(removedRefs(previous, inventory), id, ctx.signal) : [];
      const { previous: _p, ...rest } = base;
      record = {
        ...rest,
        phase: 'Applied',
        appliedSequence: spec.sequence,
        appliedRevision: spec.revision,
        appliedDigest: digest,
        appliedAt: rfc3339(new Date()),
        ...(pruneFailures.length > 0 ? { failures: pruneFailures } : {}),
      };
    } else {
      record = { ...base, phase: 'Failed', failures };
    }
    const next = { record, artifact: bytes };
    await this.d.store.put(next, ctx.signal);
    this.d.drift.set(key, spec.drift, prepared, record.driftCounts);
    ctx.log.info({ sequence: spec.sequence, revision: spec.revision, objects: inventory.length, failures: record.failures?.length ?? 0, phase: record.phase }, 'applied');
    return next;
  }

  /** The ClusterDelivery is gone from the hub (the member left its placement): prune (when prune) and drop the record. */
  private async forget(stored: StoredRecord, ctx: ReconcileContext): Promise<void> {
    const r = stored.record;
    this.d.drift.remove(r.delivery);
    if (r.prune) {
      const failures = await this.d.applier.prune(removedRefs(union(r.previous ?? [], r.inventory), []), recordId(r.delivery), ctx.signal);
      if (failures.length > 0) throw new Error(`pruning ${r.delivery}: ${failures.map((f) => `${f.kind} ${f.name}: ${f.message}`).join('; ')}`);
    }
    await this.d.store.delete(r.delivery, ctx.signal);
    ctx.log.info({ delivery: r.delivery, pruned: r.prune }, 'delivery removed from this cluster');
  }

  /** The CA the hub publishes for its artifact server (cached for a minute; undefined: the hub kubeconfig's). */
  private async ca(signal: AbortSignal): Promise<string | undefined> {
    if (this.hubCa && Date.now() - this.hubCa.at < 60_000) return this.hubCa.ca;
    const info = await readHubInfo(this.d.hub, signal).catch(() => undefined);
    this.hubCa = { ca: info?.ca, at: Date.now() };
    return info?.ca;
  }
}

/** Adds an `OverridesMatched` condition naming overrides that matched nothing. */
function withUnmatched(s: ClusterDeliveryStatusT, record: AgentRecord | undefined): ClusterDeliveryStatusT {
  const unmatched = record?.unmatched ?? [];
  const others = (s.conditions ?? []).filter((c) => c.type !== 'OverridesMatched');
  const prev = (s.conditions ?? []).find((c) => c.type === 'OverridesMatched');
  const status = unmatched.length > 0 ? 'False' : 'True';
  const message = unmatched.length > 0 ? unmatched.map((u) => `override ${u.override} ${u.field} ${u.detail}`).join('; ').slice(0, 1000) : 'every override matched an object';
  const cond = {
    type: 'OverridesMatched',
    status,
    reason: unmatched.length > 0 ? 'Unmatched' : 'Matched',
    message,
    lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : rfc3339(new Date()),
  } as NonNullable<ClusterDeliveryStatusT['conditions']>[number];
  return { ...s, conditions: [...others, cond] };
}
