import type { Static } from '@sinclair/typebox';
import type { MetricCheck } from '../../api/index.js';

/** A ReleasePolicy metric post-check (spec.postChecks.metrics[]). */
export type MetricCheckT = Static<typeof MetricCheck>;

/** The verdict on one sample, with one line saying why (for CheckResult.message and events). */
export interface SampleResult {
  result: 'pass' | 'fail';
  reason: string;
}

/** Where a metric check stands after some samples: the values of CheckResult.result it can produce. */
export type AnalysisOutcome = 'Running' | 'Passed' | 'Failed';

const HOLDS: Record<NonNullable<MetricCheckT['threshold']>['operator'], (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/**
 * Judges one sample of a metric check.
 *  - threshold: the operator states the healthy condition: `{ operator: '<', value: 0.01 }` passes 0.005.
 *  - baseline: fails when value > baseline + |baseline| * maxIncreasePercent / 100 (for a baseline >= 0 that is
 *    baseline * (1 + p/100)); equal to the limit passes. A baseline of 0 lets nothing above 0 pass.
 *  - A check with both is judged on both; with neither, every sample fails (the schema forbids both cases).
 *  - A value or needed baseline that is missing (undefined/null), NaN or infinite fails: a query that returns
 *    nothing, or divides by zero, is no evidence of health.
 */
export function evaluateSample(check: Pick<MetricCheckT, 'name' | 'threshold' | 'baseline'>, value: number | null | undefined, baseline?: number | null): SampleResult {
  const fail = (reason: string): SampleResult => ({ result: 'fail', reason: `${check.name}: ${reason}` });
  if (!check.threshold && !check.baseline) return fail('the check has neither a threshold nor a baseline');
  if (value === undefined || value === null) return fail('the query returned no value');
  if (!Number.isFinite(value)) return fail(`the query returned ${value}, not a finite number`);
  const passes: string[] = [];
  if (check.threshold) {
    const { operator, value: limit } = check.threshold;
    if (!HOLDS[operator](value, limit)) return fail(`${value} is not ${operator} ${limit}`);
    passes.push(`${value} ${operator} ${limit}`);
  }
  if (check.baseline) {
    if (baseline === undefined || baseline === null) return fail('there is no baseline value to compare with');
    if (!Number.isFinite(baseline)) return fail(`the baseline is ${baseline}, not a finite number`);
    const p = check.baseline.maxIncreasePercent;
    const limit = baseline + (Math.abs(baseline) * p) / 100;
    if (value > limit) return fail(`${value} is more than ${p}% above the baseline ${baseline} (limit ${limit})`);
    passes.push(`${value} is within ${p}% of the baseline ${baseline}`);
  }
  return { result: 'pass', reason: `${check.name}: ${passes.join(' and ')}` };
}

/**
 * Where a check stands after the samples taken so far (in order; a sample is a 'pass'/'fail' or a SampleResult).
 * Only the first `count` samples count. Failed as soon as more than `failureLimit` of them failed (without waiting
 * for the rest); Passed once `count` samples are in and at most `failureLimit` failed; Running otherwise.
 * A count below 1 counts as 1 and a negative failureLimit as 0; missing ones take the schema's defaults (3 and 0).
 */
export function analysisOutcome(samples: readonly (SampleResult | SampleResult['result'])[], check: Pick<MetricCheckT, 'count' | 'failureLimit'>): AnalysisOutcome {
  const count = Math.max(1, Math.floor(finiteOr(check.count, DEFAULT_COUNT)));
  const failureLimit = Math.max(0, Math.floor(finiteOr(check.failureLimit, 0)));
  const counted = samples.slice(0, count);
  const failures = counted.filter((s) => (typeof s === 'string' ? s : s.result) === 'fail').length;
  if (failures > failureLimit) return 'Failed';
  return counted.length >= count ? 'Passed' : 'Running';
}

/** The schema's default for MetricCheck.count. */
const DEFAULT_COUNT = 3;

function finiteOr(n: number | undefined, fallback: number): number {
  return typeof n === 'number' && Number.isFinite(n) ? n : fallback;
}
