import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writesPerClusterRevision } from './report.js';

test('writes per cluster per revision: total over members × commits; stored leaves access reviews out', () => {
  const w = { 'PUT fleet.plinth.dev/clusterdeliveries/status': 12, 'POST authorization.k8s.io/subjectaccessreviews': 6, 'POST events.k8s.io/events': 6 };
  assert.equal(writesPerClusterRevision(w, 3, 2), 4);
  assert.equal(writesPerClusterRevision(w, 3, 2, true), 3);
  assert.equal(writesPerClusterRevision({}, 0, 0), 0);
});
