import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analysisOutcome, evaluateSample, type MetricCheckT } from './analysis.js';

const base = { prometheusUrl: 'http://prom:9090', query: 'q', intervalSeconds: 10, count: 3, failureLimit: 0 };
const below = (value: number, operator: '<' | '<=' | '>' | '>=' = '<'): MetricCheckT => ({ ...base, name: 'errors', threshold: { operator, value } });
const baselineCheck = (maxIncreasePercent: number): MetricCheckT => ({ ...base, name: 'latency', baseline: { maxIncreasePercent } });
const verdict = (...args: Parameters<typeof evaluateSample>): string => evaluateSample(...args).result;

test('threshold: each operator states the healthy condition', () => {
  assert.equal(verdict(below(0.01, '<'), 0.005), 'pass');
  assert.equal(verdict(below(0.01, '<'), 0.01), 'fail');
  assert.equal(verdict(below(0.01, '<='), 0.01), 'pass');
  assert.equal(verdict(below(0.01, '<='), 0.02), 'fail');
  assert.equal(verdict(below(0.99, '>'), 0.995), 'pass');
  assert.equal(verdict(below(0.99, '>'), 0.99), 'fail');
  assert.equal(verdict(below(0.99, '>='), 0.99), 'pass');
  assert.equal(verdict(below(0.99, '>='), 0.5), 'fail');
  assert.equal(verdict(below(0, '<='), -1), 'pass');
});

test('threshold: reasons say what was compared', () => {
  assert.deepEqual(evaluateSample(below(0.01), 0.05), { result: 'fail', reason: 'errors: 0.05 is not < 0.01' });
  assert.deepEqual(evaluateSample(below(0.01), 0.001), { result: 'pass', reason: 'errors: 0.001 < 0.01' });
});

test('baseline: fail above baseline * (1 + p/100), pass at or below', () => {
  assert.equal(verdict(baselineCheck(10), 110, 100), 'pass');
  assert.equal(verdict(baselineCheck(10), 110.01, 100), 'fail');
  assert.equal(verdict(baselineCheck(10), 50, 100), 'pass');
  assert.equal(verdict(baselineCheck(0), 100, 100), 'pass');
  assert.equal(verdict(baselineCheck(0), 100.0001, 100), 'fail');
  assert.equal(verdict(baselineCheck(50), 0.3, 0.2), 'pass');
  assert.equal(verdict(baselineCheck(50), 0.31, 0.2), 'fail');
  assert.match(evaluateSample(baselineCheck(10), 120, 100).reason, /latency: 120 is more than 10% above the baseline 100 \(limit 110\)/);
});

test('baseline: zero and negative baselines', () => {
  assert.equal(verdict(baselineCheck(100), 0, 0), 'pass');
  assert.equal(verdict(baselineCheck(100), 0.001, 0), 'fail');
  assert.equal(verdict(baselineCheck(10), -9, -10), 'pass', 'limit is -10 + 1 = -9');
  assert.equal(verdict(baselineCheck(10), -8.9, -10), 'fail');
});

test('missing, NaN and infinite values fail with a reason', () => {
  for (const v of [undefined, null]) assert.match(evaluateSample(below(1), v).reason, /returned no value/);
  assert.match(evaluateSample(below(1), Number.NaN).reason, /NaN, not a finite number/);
  assert.equal(verdict(below(1, '>'), Number.POSITIVE_INFINITY), 'fail');
  assert.equal(verdict(below(1, '<'), Number.NEGATIVE_INFINITY), 'fail');
  assert.match(evaluateSample(baselineCheck(10), 1).reason, /no baseline value/);
  assert.match(evaluateSample(baselineCheck(10), 1, null).reason, /no baseline value/);
  assert.match(evaluateSample(baselineCheck(10), 1, Number.NaN).reason, /baseline is NaN/);
});

test('a check with both threshold and baseline needs both; with neither always fails', () => {
  const both: MetricCheckT = { ...base, name: 'both', threshold: { operator: '<', value: 1 }, baseline: { maxIncreasePercent: 10 } };
  assert.equal(verdict(both, 0.5, 0.5), 'pass');
  assert.equal(verdict(both, 0.9, 0.5), 'fail');
  assert.equal(verdict(both, 1.5, 2), 'fail');
  assert.match(evaluateSample(both, 0.5, 0.5).reason, /0.5 < 1 and 0.5 is within 10% of the baseline 0.5/);
  assert.match(evaluateSample({ ...base, name: 'none' }, 1).reason, /neither a threshold nor a baseline/);
});

test('analysisOutcome: Running until count samples, then Passed', () => {
  const check = { count: 3, failureLimit: 0 };
  assert.equal(analysisOutcome([], check), 'Running');
  assert.equal(analysisOutcome(['pass', 'pass'], check), 'Running');
  assert.equal(analysisOutcome(['pass', 'pass', 'pass'], check), 'Passed');
});

test('analysisOutcome: Failed as soon as failures exceed failureLimit', () => {
  assert.equal(analysisOutcome(['fail'], { count: 3, failureLimit: 0 }), 'Failed');
  assert.equal(analysisOutcome(['fail', 'pass'], { count: 3, failureLimit: 1 }), 'Running');
  assert.equal(analysisOutcome(['fail', 'pass', 'pass'], { count: 3, failureLimit: 1 }), 'Passed');
  assert.equal(analysisOutcome(['fail', 'pass', 'fail'], { count: 3, failureLimit: 1 }), 'Failed');
  assert.equal(analysisOutcome(['fail', 'fail', 'fail'], { count: 3, failureLimit: 3 }), 'Passed');
});

test('analysisOutcome: samples beyond count are ignored; SampleResults are accepted', () => {
  assert.equal(analysisOutcome(['pass', 'pass', 'fail'], { count: 2, failureLimit: 0 }), 'Passed');
  const fail = evaluateSample(below(1), 2);
  const pass = evaluateSample(below(1), 0);
  assert.equal(analysisOutcome([pass, fail], { count: 2, failureLimit: 0 }), 'Failed');
  assert.equal(analysisOutcome([pass, pass], { count: 2, failureLimit: 0 }), 'Passed');
});

test('analysisOutcome: bad count and failureLimit are clamped', () => {
  assert.equal(analysisOutcome(['pass'], { count: 0, failureLimit: 0 }), 'Passed');
  assert.equal(analysisOutcome([], { count: -5, failureLimit: 0 }), 'Running');
  assert.equal(analysisOutcome(['fail'], { count: 2, failureLimit: -1 }), 'Failed');
  const defaults = {} as { count: number; failureLimit: number };
  assert.equal(analysisOutcome(['pass', 'pass'], defaults), 'Running', 'count defaults to 3');
  assert.equal(analysisOutcome(['pass', 'pass', 'pass'], defaults), 'Passed');
  assert.equal(analysisOutcome(['fail'], defaults), 'Failed', 'failureLimit defaults to 0');
  assert.equal(analysisOutcome(['pass'], { count: Number.NaN, failureLimit: Number.NaN }), 'Running');
});
