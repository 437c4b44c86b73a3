import type { ReleaseOrder } from '../../api/index.js';
import { analysisOutcome, evaluateSample, type MetricCheckT, type SampleResult } from '../plan/index.js';
import type { CheckResultT } from '../releaseorder/checks.js';
import { queryPrometheus } from './prometheus.js';
import { rfc3339 } from '../../kube/clock.js';

/** Runs one query; the seam for tests. */
export type Query = (url: string, query: string, signal?: AbortSignal) => Promise<number | null>;

const BASELINE_PREFIX = 'baseline/';

/** The name of the pre check that stores a metric's baseline in status.checks (it survives a restart). */
export function baselineCheckName(metric: string): string {
  return `${BASELINE_PREFIX}${metric}`;
}

/** The stored baseline of a metric: the number in the message of its baseline check, if any. */
export function storedBaseline(order: ReleaseOrder, metric: string): number | null | undefined {
  const c = order.status?.checks?.find((x) => x.kind === 'pre' && x.name === baselineCheckName(metric));
  if (!c) return undefined;
  const m = /^baseline (\S+)/.exec(c.message ?? '');
  if (!m || m[1] === 'none') return null;
  return Number(m[1]);
}

/** Measures the baselines not stored yet (before the first batch), as pre check results to store. */
export async function measureBaselines(order: ReleaseOrder, metrics: readonly MetricCheckT[], now: Date, query: Query, signal?: AbortSignal): Promise<CheckResultT[]> {
  const out: CheckResultT[] = [];
  for (const m of metrics) {
    if (!m.baseline || storedBaseline(order, m.name) !== undefined) continue;
    let value: number | null;
    let note = '';
    try {
      value = await query(m.prometheusUrl, m.query, signal);
    } catch (err) {
      value = null;
      note = `: ${(err as Error).message}`;
    }
    out.push({ name: baselineCheckName(m.name), kind: 'pre', batch: 0, result: 'Passed', at: rfc3339(now), message: `baseline ${value === null || !Number.isFinite(value) ? 'none' : String(value)} (${m.query})${note}` });
  }
  return out;
}

interface Sampling {
  samples: SampleResult[];
  nextAt: number;
}

/**
 * Metric analysis after a batch: one sample per metric every intervalSeconds until analysisOutcome decides.
 * Samples are kept in memory by order uid, batch and metric until the analysis decides (a restart samples
 * again from the start).
 */
export class MetricAnalysis {
  private readonly runs = new Map<string, Sampling>();

  constructor(private readonly query: Query = queryPrometheus) {}

  /** Samples what is due; returns the results, the overall outcome and when to look again. */
  async step(order: ReleaseOrder, batch: number, metrics: readonly MetricCheckT[], now: Date, signal?: AbortSignal): Promise<{ outcome: 'Running' | 'Passed' | 'Failed'; checks: CheckResultT[]; retryAfterMs: number; message: string }> {
    const checks: CheckResultT[] = [];
    let retry = Number.POSITIVE_INFINITY;
    let failed: string | undefined;
    let running = false;
    for (const m of metrics) {
      const key = `${order.metadata.uid ?? ''}/${batch}/${m.name}`;
      const run = this.runs.get(key) ?? { samples: [], nextAt: 0 };
      this.runs.set(key, run);
      let outcome = analysisOutcome(run.samples, m);
      if (outcome === 'Running' && now.getTime() >= run.nextAt) {
        try {
          const value = await this.query(m.prometheusUrl, m.query, signal);
          run.samples.push(evaluateSample(m, value, storedBaseline(order, m.name)));
        } catch (err) {
          run.samples.push({ result: 'fail', reason: `${m.name}: query failed: ${(err as Error).message}` });
        }
        run.nextAt = now.getTime() + m.intervalSeconds * 1000;
        outcome = analysisOutcome(run.samples, m);
      }
      const last = run.samples[run.samples.length - 1];
      const fails = run.samples.filter((s) => s.result === 'fail').length;
      const summary = `${run.samples.length}/${m.count} sample(s), ${fails} failed (limit ${m.failureLimit})${last ? `; last: ${last.reason}` : ''}`;
      checks.push({ name: m.name, kind: 'post', batch, result: outcome, at: rfc3339(now), message: summary });
      // A decided analysis is forgotten: asked again (a paused release resumed), it samples from the start.
      if (outcome !== 'Running') this.runs.delete(key);
      if (outcome === 'Failed') failed ??= `metric check ${summary}`;
      if (outcome === 'Running') {
        running = true;
        retry = Math.min(retry, Math.max(200, run.nextAt - now.getTime()));
      }
    }
    if (failed) return { outcome: 'Failed', checks, retryAfterMs: 0, message: failed };
    if (running) return { outcome: 'Running', checks, retryAfterMs: retry, message: '' };
    return { outcome: 'Passed', checks, retryAfterMs: 0, message: '' };
  }
}
