import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { CellDeployment, ReleaseOrder } from '../../../api/index.js';
import type { EventRecorder } from '../../../kube/events.js';
import type { Expectations } from '../../../kube/expectations.js';
import type { KubeClient } from '../../../kube/http.js';
import type { KubeObject } from '../../../kube/resource.js';
import { expectWrite } from '../../../kube/expect-write.js';
import type { EndpointSliceLike } from '../../pod/endpoints.js';
import type { ReleaseView } from '../../view.js';
import type { Revisions } from '../revisions.js';

/** Everything a sync step reads, loaded once per reconcile by the controller. */
export interface SyncContext {
  client: KubeClient;
  /** `namespace/name` of the CellDeployment (the work queue key and the expectations key). */
  key: string;
  cd: CellDeployment;
  /** The CellDeployment's pods, including those being deleted. */
  pods: readonly V1Pod[];
  /** The EndpointSlices that list a pod. */
  slicesOf: (pod: V1Pod) => readonly EndpointSliceLike[];
  /** The CellDeployment's ReleaseOrders (any order). */
  orders: readonly ReleaseOrder[];
  view: ReleaseView;
  revisions: Revisions;
  /** Pods per unit, in topology.units order (unitTargets). */
  targets: ReadonlyMap<string, number>;
  drainSeconds: number;
  /** Pods the scale step is taking away (drained, then deleted): the update step leaves them alone. */
  leaving: ReadonlySet<string>;
  now: Date;
  signal: AbortSignal;
  log: Logger;
  expectations: Expectations;
  /** The informer caches the written objects show up in (for {@link expectWrite}). */
  caches: { pods: ObjectCache; orders: ObjectCache };
  events: EventRecorder;
}

/** A cache lookup by `namespace/name`. */
export interface ObjectCache {
  get(key: string): KubeObject | undefined;
}

/** What a step did. */
export interface SyncResult {
  /** The step wrote something (later steps wait for the next reconcile when scaling changed pods). */
  changed: boolean;
  /** Come back after this long (a drain timer). */
  requeueAfterMs?: number;
  /** Writes that failed, one line each, for the ReplicaFailure condition. */
  failures: string[];
  /** Why the step is waiting, one line each (capacity, pause, missing template), for conditions and logs. */
  waiting: string[];
}

/** One step of a reconcile, behind a small interface so that strategies can be swapped and steps tested alone. */
export interface SyncStep {
  readonly name: string;
  sync(ctx: SyncContext): Promise<SyncResult>;
}

export function emptyResult(): SyncResult {
  return { changed: false, failures: [], waiting: [] };
}

/** Merges results: changed if any changed, the earliest requeue, all failures and waits. */
export function mergeResults(...results: SyncResult[]): SyncResult {
  const out = emptyResult();
  for (const r of results) {
    out.changed ||= r.changed;
    if (r.requeueAfterMs !== undefined) out.requeueAfterMs = Math.min(out.requeueAfterMs ?? Infinity, r.requeueAfterMs);
    out.failures.push(...r.failures);
    out.waiting.push(...r.waiting);
  }
  return out;
}

/** Records a write's result as a version expectation: the next reconcile waits until the cache shows it. */
export function expectWritten(ctx: Pick<SyncContext, 'expectations' | 'key' | 'caches'>, written: V1Pod | undefined): void {
  expectWrite(ctx.expectations, ctx.key, written, ctx.caches.pods);
}

