import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReleaseOrder } from '../../api/index.js';
import type { MetricCheckT } from '../plan/index.js';
import { MetricAnalysis, baselineCheckName, measureBaselines, storedBaseline } from './post.js';
import { firstValue } from './prometheus.js';

const order = (checks: NonNullable<ReleaseOrder['status']>['checks'] = []): ReleaseOrder =>
  ({ metadata: { name: 'o', namespace: 'n', uid: 'u1' }, spec: {}, status: { checks } }) as unknown as ReleaseOrder;

const m = (o: Partial<MetricCheckT> = {}): MetricCheckT => ({ name: 'err', prometheusUrl: 'http://p', query: 'q', intervalSeconds: 1, count: 2, failureLimit: 0, threshold: { operator: '<', value: 1 }, ...o });

test('samples every interval until the outcome is decided', async () => {
  const values = [0, 0.5];
  const a = new MetricAnalysis(() => Promise.resolve(values.shift() ?? null));
  const t0 = new Date(1_000_000);
  const r1 = await a.step(order(), 0, [m()], t0);
  assert.equal(r1.outcome, 'Running');
  assert.equal(r1.retryAfterMs, 1000);
  const r2 = await a.step(order(), 0, [m()], new Date(1_000_500));
  assert.equal(r2.outcome, 'Running', 'not due yet: no new sample');
  const r3 = await a.step(order(), 0, [m()], new Date(1_001_000));
  assert.equal(r3.outcome, 'Passed');
  assert.equal(r3.checks[0]?.result, 'Passed');
  assert.equal(r3.checks[0]?.kind, 'post');
});

test('fails past the failure limit, and a failing query counts as a failed sample', async () => {
  const a = new MetricAnalysis(() => Promise.reject(new Error('connection refused')));
  const r = await a.step(order(), 1, [m()], new Date(0));
  assert.equal(r.outcome, 'Failed');
  assert.match(r.message, /query failed: connection refused/);
  assert.equal(r.checks[0]?.batch, 1);
});

test('baselines are measured once, stored in status.checks, and read back', async () => {
  const metric = m({ threshold: undefined, baseline: { maxIncreasePercent: 10 } });
  const stored = await measureBaselines(order(), [metric], new Date(0), () => Promise.resolve(2));
  assert.equal(stored.length, 1);
  assert.equal(stored[0]?.name, baselineCheckName('err'));
  const o = order(stored);
  assert.equal(storedBaseline(o, 'err'), 2);
  assert.deepEqual(await measureBaselines(o, [metric], new Date(0), () => Promise.resolve(9)), [], 'not measured again');
  const a = new MetricAnalysis(() => Promise.resolve(2.5));
  const r = await a.step(o, 0, [metric], new Date(0));
  assert.equal(r.outcome, 'Failed');
  assert.match(r.message, /more than 10% above the baseline 2/);
  const none = await measureBaselines(order(), [metric], new Date(0), () => Promise.resolve(null));
  assert.equal(storedBaseline(order(none), 'err'), null);
});

test('firstValue reads vector, scalar and empty results', () => {
  assert.equal(firstValue({ resultType: 'vector', result: [{ value: [1, '3.5'] }] }), 3.5);
  assert.equal(firstValue({ resultType: 'scalar', result: [1, '2'] }), 2);
  assert.equal(firstValue({ resultType: 'vector', result: [] }), null);
});
