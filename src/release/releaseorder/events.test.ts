import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakePod } from '../../../test/support/release-objects.js';
import { podProgressView } from './events.js';

test('an order is touched by pod changes its progress reads, not by container status churn', () => {
  const p = fakePod({ name: 'p', gate: 'True' });
  const same = structuredClone(p);
  same.status!.containerStatuses![0]!.restartCount = 3;
  same.status!.containerStatuses![0]!.image = 'web:2';
  assert.equal(podProgressView(same), podProgressView(p), 'an in-place restart alone changes nothing an order reads');
  assert.notEqual(podProgressView(fakePod({ name: 'p', gate: 'False' })), podProgressView(p), 'the gate');
  assert.notEqual(podProgressView(fakePod({ name: 'p', gate: 'True', ready: false })), podProgressView(p), 'Ready');
  assert.notEqual(podProgressView(fakePod({ name: 'p', gate: 'True', revision: 'r2' })), podProgressView(p), 'the revision');
  assert.notEqual(podProgressView(fakePod({ name: 'p', gate: 'True', deleting: true })), podProgressView(p), 'deletion');
  assert.notEqual(podProgressView(fakePod({ name: 'p', gate: 'True', phase: 'Pending' })), podProgressView(p), 'the phase');
});
