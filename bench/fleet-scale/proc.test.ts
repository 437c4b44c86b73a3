import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delta, openWatches, parseMetrics, percentile, procSample, writesByResource } from './proc.js';

const TEXT = [
  '# HELP apiserver_request_total x',
  'apiserver_request_total{code="200",component="apiserver",group="coordination.k8s.io",resource="leases",scope="resource",subresource="",verb="PUT",version="v1"} 40',
  'apiserver_request_total{code="201",resource="leases",subresource="",verb="POST"} 2',
  'apiserver_request_total{code="200",resource="clusterdeliveries",subresource="status",verb="PATCH"} 7',
  'apiserver_request_total{code="200",resource="leases",subresource="",verb="GET"} 99',
  'apiserver_longrunning_requests{resource="clusterdeliveries",scope="namespace",verb="WATCH"} 20',
  'apiserver_longrunning_requests{resource="pods",scope="cluster",verb="WATCH"} 3',
  'apiserver_longrunning_requests{resource="pods",scope="cluster",verb="LIST"} 1',
  'other_metric 5',
].join('\n');

test('writes are counted by resource and subresource; reads are not', () => {
  const w = writesByResource(parseMetrics(TEXT, ['apiserver_request_total']));
  assert.deepEqual([...w.entries()].sort(), [['clusterdeliveries/status', 7], ['leases', 42]]);
});

test('delta keeps only what changed', () => {
  const d = delta(new Map([['a', 1], ['b', 2]]), new Map([['a', 1], ['b', 5], ['c', 1]]));
  assert.deepEqual([...d.entries()], [['b', 3], ['c', 1]]);
});

test('open watches come from the WATCH long-running requests', () => {
  const w = openWatches(parseMetrics(TEXT, ['apiserver_longrunning_requests']));
  assert.deepEqual([...w.entries()], [['clusterdeliveries', 20], ['pods', 3]]);
});

test('percentile is the nearest rank', () => {
  const v = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(v, 50), 50);
  assert.equal(percentile(v, 99), 99);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('procSample reads this process', () => {
  const s = procSample(process.pid);
  assert.ok(s && s.rssBytes > 10_000_000 && s.cpuSeconds > 0, JSON.stringify(s));
});
