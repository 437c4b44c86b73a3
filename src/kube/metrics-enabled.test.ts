import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricsLoaded, metricValues, plinthRegistry, queueAdds } from './metrics.js';

test('instruments are made on first use and count into the registry /metrics serves', async () => {
  assert.equal(metricsLoaded(), false);
  queueAdds.labels('q').inc(2);
  queueAdds.labels('q').inc();
  assert.equal(metricsLoaded(), true);
  assert.deepEqual(await metricValues('plinth_workqueue_adds_total'), [{ labels: { queue: 'q' }, value: 3 }]);
  assert.match(await plinthRegistry().metrics(), /plinth_workqueue_adds_total\{queue="q"\} 3/);
});
