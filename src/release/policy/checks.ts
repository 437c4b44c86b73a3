import type { ReleasePolicy } from '../../api/index.js';
import { isNotFound } from '../../kube/api-error.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace, ref } from '../../kube/resource.js';
import { RELEASE_API_VERSION } from '../keys.js';
import type { CheckContext, CheckResultT, CheckVerdict, ReleaseChecks } from '../releaseorder/checks.js';
import { stuckPending } from './pending.js';
import { podsUnderChange } from '../releaseorder/bluegreen.js';
import { MetricAnalysis, measureBaselines, type Query } from './post.js';
import { queryPrometheus } from './prometheus.js';
import { blackoutCheck, conflictCheck, parameterCheck, preResult, SKIPPED, type PreBlock } from './pre.js';
import { selectorMatches } from '../../kube/selector.js';
import { rfc3339 } from '../../kube/clock.js';

export const RELEASE_POLICIES = ref(RELEASE_API_VERSION, 'releasepolicies');

/** The ReleasePolicies of the order's namespace whose selector matches the target's labels (by name). */
export async function matchingPolicies(client: KubeClient, ctx: CheckContext): Promise<ReleasePolicy[]> {
  const ns = ctx.order.metadata.namespace ?? '';
  let items: ReleasePolicy[];
  try {
    items = (await client.list<ReleasePolicy>(inNamespace(RELEASE_POLICIES, ns), { signal: ctx.signal })).items;
  } catch (err) {
    // The ReleasePolicy CRD is not installed: there can be no policies.
    if (isNotFound(err)) return [];
    throw err;
  }
  return items
    .filter((p) => selectorMatches(p.spec.selector, ctx.cd.metadata.labels))
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

/**
 * Release policy enforcement on the ReleaseOrder controller's checks seam. Before each batch: blackout windows,
 * conflicts and parameter checks of every matching policy (the first that blocks wins; all results go to
 * status.checks), and before the first batch the metric baselines. After each batch: metric analysis.
 */
export function policyChecks(client: KubeClient, query: Query = queryPrometheus): ReleaseChecks {
  const analysis = new MetricAnalysis(query);
  return {
    async beforeBatch(ctx): Promise<CheckVerdict> {
      const policies = await matchingPolicies(client, ctx);
      if (policies.length === 0) return { result: 'Passed' };
      const checks: CheckResultT[] = [];
      let block: PreBlock | undefined;
      for (const p of policies) {
        const name = p.metadata.name ?? '';
        const pre = p.spec.preChecks;
        // A check the policy does not configure does not run: it is listed Skipped, never Passed.
        const results: [string, PreBlock | undefined | typeof SKIPPED][] = [
          [`${name}/blackout`, (pre?.blackoutWindows ?? []).length > 0 ? blackoutCheck(p, ctx.now) : SKIPPED],
          [`${name}/conflicts`, pre?.conflicts ? await conflictCheck(client, p, ctx) : SKIPPED],
          [`${name}/parameters`, pre?.parameters ? parameterCheck(p, ctx.cd) : SKIPPED],
        ];
        for (const [n, b] of results) {
          checks.push(preResult(n, ctx.batch, ctx.now, b));
          if (b !== SKIPPED) block ??= b;
        }
      }
      if (block) return { result: 'Blocked', message: block.message, retryAfterMs: block.retryAfterMs, checks };
      if (ctx.batch === 0) {
        const metrics = policies.flatMap((p) => p.spec.postChecks?.metrics ?? []);
        checks.push(...(await measureBaselines(ctx.order, metrics, ctx.now, query, ctx.signal)));
      }
      return { result: 'Passed', checks };
    },
    async duringBatch(ctx): Promise<CheckVerdict> {
      const policies = (await matchingPolicies(client, ctx)).filter((p) => p.spec.postChecks !== undefined);
      if (policies.length === 0) return { result: 'Passed' };
      // The strictest timeout of the matching policies decides; Rollback if any of them asks for it.
      const timeout = Math.min(...policies.map((p) => p.spec.postChecks?.pendingTimeoutSeconds ?? 300));
      const planned = ctx.order.status?.batches?.find((b) => b.index === ctx.batch)?.pods ?? [];
      const v = stuckPending(ctx.pods, podsUnderChange(ctx.cd, ctx.order, planned, ctx.pods), timeout, ctx.now);
      if (v.stuck.length === 0) return v.nextInMs === undefined ? { result: 'Passed' } : { result: 'Running', retryAfterMs: v.nextInMs };
      const message = `pods stuck Pending for more than ${timeout}s: ${v.stuck.map((x) => `${x.name} (${x.seconds}s, ${x.reason})`).join('; ')}`;
      const checks: CheckResultT[] = [{ name: 'pending-timeout', kind: 'post', batch: ctx.batch, result: 'Failed', at: rfc3339(ctx.now), message }];
      const rollback = policies.some((p) => p.spec.onFailure === 'Rollback');
      return { result: 'Failed', message, onFailure: rollback ? 'Rollback' : 'Pause', checks };
    },
    async afterBatch(ctx): Promise<CheckVerdict> {
      const policies = await matchingPolicies(client, ctx);
      const withMetrics = policies.filter((p) => (p.spec.postChecks?.metrics ?? []).length > 0);
      if (withMetrics.length === 0) return { result: 'Passed' };
      const metrics = withMetrics.flatMap((p) => p.spec.postChecks?.metrics ?? []);
      const r = await analysis.step(ctx.order, ctx.batch, metrics, ctx.now, ctx.signal);
      if (r.outcome === 'Running') return { result: 'Running', retryAfterMs: r.retryAfterMs, checks: r.checks };
      if (r.outcome === 'Passed') return { result: 'Passed', checks: r.checks };
      const rollback = withMetrics.some((p) => p.spec.onFailure === 'Rollback');
      return { result: 'Failed', message: r.message, onFailure: rollback ? 'Rollback' : 'Pause', checks: r.checks };
    },
  };
}
