import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unhealthy } from './health.js';

test('a running cluster with a live manager, or none, is healthy; so is a stopped one', () => {
  assert.equal(unhealthy({ phase: 'Running', manager: { alive: true } }), undefined);
  assert.equal(unhealthy({ phase: 'Running' }), undefined);
  assert.equal(unhealthy({ phase: 'Stopped' }), undefined);
});

test('a dead component, a failed start or a dead manager is not healthy', () => {
  assert.equal(unhealthy({ phase: 'Degraded', manager: { alive: true } }), 'a component died');
  assert.equal(unhealthy({ phase: 'Failed' }), 'it failed to start');
  assert.equal(unhealthy({ phase: 'Running', manager: { alive: false } }), 'its manager is dead');
});

test("a running member's dead agent or a running hub's dead Git server is not healthy; stopped ones are", () => {
  assert.equal(unhealthy({ phase: 'Running', agent: { alive: false } }), 'its agent is dead');
  assert.equal(unhealthy({ phase: 'Running', git: { alive: false } }), 'its Git server is dead');
  assert.equal(unhealthy({ phase: 'Running', agent: { alive: true }, git: { alive: true } }), undefined);
  assert.equal(unhealthy({ phase: 'Stopped', agent: { alive: false }, git: { alive: false } }), undefined);
});
