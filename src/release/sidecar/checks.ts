import type { V1Pod } from '@kubernetes/client-node';
import { NODE_UPGRADE_LOCK, type CellDeployment, type ReleaseOrder, type ReleasePolicy } from '../../api/index.js';
import type { SidecarSet } from '../../api/release/sidecarset.js';
import { isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace } from '../../kube/resource.js';
import { selectorMatches } from '../../kube/selector.js';
import { KEYS, RES } from '../keys.js';
import { checkParameters, formatProblems } from '../plan/index.js';
import type { PodTemplateLike } from '../plan/revision.js';
import { RELEASE_POLICIES } from '../policy/checks.js';
import { MetricAnalysis, measureBaselines, type Query } from '../policy/post.js';
import { blackoutCheck, leaseHeld } from '../policy/pre.js';
import { queryPrometheus } from '../policy/prometheus.js';

/** What the checks at a batch boundary of a SidecarSet upgrade say. */
export type SidecarCheckVerdict =
  | { result: 'Passed' }
  /** Not now (a blackout window, the upgrade lock held, a metric analysis still sampling): ask again later. */
  | { result: 'Blocked' | 'Running'; check: string; message: string; retryAfterMs: number }
  /** A check failed: the upgrade pauses (spec.updateStrategy.paused) until a person resumes it. */
  | { result: 'Failed'; check: string; message: string };

export interface BoundaryInput {
  set: SidecarSet;
  /** The pods of the batch that just finished (empty before the first batch). */
  done: readonly V1Pod[];
  /** The pods of the next batch (empty after the last one). */
  next: readonly V1Pod[];
  /** A number unique to this boundary of this upgrade (the pods on the new hash so far). */
  boundary: number;
  now: Date;
  signal?: AbortSignal;
}

const RECHECK_MS = 5000;

/**
 * The ReleasePolicies that apply to the pods' workloads: policies of each pod's namespace whose selector matches
 * the labels of its CellDeployment (pods a CellDeployment runs), or else the pod's own labels (a Deployment's
 * pods carry its template labels; Plinth does not walk ReplicaSet owners). In name order, each once.
 */
export async function policiesFor(client: KubeClient, pods: readonly V1Pod[], signal?: AbortSignal): Promise<ReleasePolicy[]> {
  if (pods.length === 0) return [];
  let all: ReleasePolicy[];
  try {
    all = (await client.list<ReleasePolicy>(RELEASE_POLICIES, { signal })).items;
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  if (all.length === 0) return [];
  const cds = new Map<string, Record<string, string> | undefined>();
  const out = new Map<string, ReleasePolicy>();
  for (const pod of pods) {
    const ns = pod.metadata?.namespace ?? '';
    const cd = pod.metadata?.labels?.[KEYS.cellDeployment];
    let labels = pod.metadata?.labels;
    if (cd !== undefined) {
      const key = `${ns}/${cd}`;
      if (!cds.has(key)) {
        try {
          cds.set(key, (await client.get<CellDeployment>(inNamespace(RES.cellDeployments, ns), cd, { signal })).metadata.labels ?? {});
        } catch (err) {
          if (!isNotFound(err)) throw err;
          cds.set(key, undefined);
        }
      }
      labels = cds.get(key) ?? labels;
    }
    for (const p of all) {
      if (p.metadata.namespace === ns && selectorMatches(p.spec.selector, labels)) out.set(`${ns}/${p.metadata.name ?? ''}`, p);
    }
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
}

/**
 * The ReleasePolicy checks around each batch of a SidecarSet's in-place upgrade, the release's own checks applied
 * to a sidecar: after a batch, the metric post-checks of the policies of its pods (sampled as after a release
 * batch, against baselines measured before the upgrade's first batch); before the next, the pre-checks of the
 * policies of its pods — blackout windows and the upgrade lock Lease (Blocked: wait) and the parameter checks on
 * the set's containers (imagePattern, resource requests: Failed, since waiting changes nothing).
 * Baselines and samples are kept in memory: a restarted manager measures the baselines again.
 */
export class SidecarChecks {
  private readonly analysis: MetricAnalysis;
  private readonly baselines = new Map<string, ReleaseOrder>();

  constructor(
    private readonly client: KubeClient,
    private readonly query: Query = queryPrometheus,
  ) {
    this.analysis = new MetricAnalysis(query);
  }

  async atBoundary(input: BoundaryInput): Promise<SidecarCheckVerdict> {
    const { set, now, signal } = input;
    const name = set.metadata.name ?? '';
    // The analysis keys its samples by this object's uid: one upgrade (set and target hash) at one boundary.
    const key = `${set.metadata.uid ?? name}/${set.metadata.generation ?? 0}`;
    const order = this.baselines.get(key) ?? ({ metadata: { name, uid: key }, status: { checks: [] } } as unknown as ReleaseOrder);
    this.baselines.set(key, order);

    const after = (await policiesFor(this.client, input.done, signal)).filter((p) => (p.spec.postChecks?.metrics ?? []).length > 0);
    if (after.length > 0) {
      const metrics = after.flatMap((p) => p.spec.postChecks?.metrics ?? []);
      const r = await this.analysis.step(order, input.boundary, metrics, now, signal);
      if (r.outcome === 'Running') return { result: 'Running', check: 'post/metrics', message: 'metric analysis of the last batch running', retryAfterMs: r.retryAfterMs };
      if (r.outcome === 'Failed') return { result: 'Failed', check: `${after.map((p) => p.metadata.name ?? '').join(',')}/metrics`, message: r.message };
    }

    const before = await policiesFor(this.client, input.next, signal);
    for (const p of before) {
      const pname = p.metadata.name ?? '';
      const pre = p.spec.preChecks;
      const blackout = blackoutCheck(p, now);
      if (blackout) return { result: 'Blocked', check: `${pname}/blackout`, message: blackout.message, retryAfterMs: blackout.retryAfterMs };
      if (pre?.conflicts) {
        const lease = pre.conflicts.upgradeLockLease ?? NODE_UPGRADE_LOCK;
        const held = await leaseHeld(this.client, lease.namespace, lease.name, now, signal);
        if (held) return { result: 'Blocked', check: `${pname}/conflicts`, message: `the upgrade lock Lease ${lease.namespace}/${lease.name} is held by ${held}`, retryAfterMs: RECHECK_MS };
      }
      if (pre?.parameters) {
        const template: PodTemplateLike = { spec: { containers: set.spec.containers } };
        const problems = checkParameters(template, pre.parameters);
        if (problems.length > 0) {
          return { result: 'Failed', check: `${pname}/parameters`, message: `ReleasePolicy ${pname}: ${formatProblems(problems).replace(/spec\.template\.spec\.containers/g, 'spec.containers')}` };
        }
      }
    }
    if (input.done.length === 0 && input.next.length > 0) {
      const metrics = before.flatMap((p) => p.spec.postChecks?.metrics ?? []);
      const measured = await measureBaselines(order, metrics, now, this.query, signal);
      order.status = { ...(order.status ?? {}), checks: [...(order.status?.checks ?? []), ...measured] };
    }
    return { result: 'Passed' };
  }
}
