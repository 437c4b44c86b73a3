import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disableMetrics, metricsLoaded, metricValues, queueAdds, reconcileTotal } from './metrics.js';

// One process per test file: this file's process never used a metric before these tests.
test('a process that disables metrics never loads prom-client; its instruments do nothing', async () => {
  assert.equal(metricsLoaded(), false, 'importing the runtime loads no prom-client');
  disableMetrics();
  queueAdds.labels('q').inc();
  reconcileTotal.labels('c', 'done').inc(3);
  assert.equal(metricsLoaded(), false);
  assert.deepEqual(await metricValues('plinth_workqueue_adds_total'), []);
});
