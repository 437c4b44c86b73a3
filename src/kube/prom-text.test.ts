import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promSamples } from './prom-text.js';

void test('promSamples reads the labelled samples of one metric, values and escaped labels included', () => {
  const text = [
    '# HELP apiserver_request_total Counter of apiserver requests',
    '# TYPE apiserver_request_total counter',
    'apiserver_request_total{code="200",resource="pods",subresource="",verb="DELETE"} 11',
    'apiserver_request_total{code="404",resource="pods",subresource="",verb="DELETE"} 4 1700000000000',
    'apiserver_request_total_other{code="200"} 9',
    'apiserver_request_duration_seconds_bucket{le="+Inf"} 3',
    'apiserver_request_total{path="/a\\"b}",verb="GET"} 2',
  ].join('\n');
  assert.deepEqual(promSamples(text, 'apiserver_request_total'), [
    { labels: { code: '200', resource: 'pods', subresource: '', verb: 'DELETE' }, value: 11 },
    { labels: { code: '404', resource: 'pods', subresource: '', verb: 'DELETE' }, value: 4 },
    { labels: { path: '/a\\"b}', verb: 'GET' }, value: 2 },
  ]);
  assert.deepEqual(promSamples(text, 'missing_metric'), []);
});
