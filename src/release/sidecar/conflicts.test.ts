import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SidecarSet } from '../../api/release/sidecarset.js';
import { conflictOf, validCondition } from './conflicts.js';

function set(name: string, created: string, app: string, container = 'proxy'): SidecarSet {
  return {
    apiVersion: 'apps.plinth.dev/v1alpha1',
    kind: 'SidecarSet',
    metadata: { name, creationTimestamp: created },
    spec: { selector: { matchLabels: { app } }, containers: [{ name: container, image: 'registry.local/p:1' }], launchOrder: 'BeforeApp' },
  };
}

test('the newer of two overlapping sets injecting one container name conflicts; the older stays valid', () => {
  const a = set('zz-old', '2026-01-01T00:00:00Z', 'web');
  const b = set('aa-new', '2026-01-02T00:00:00Z', 'web');
  const all = [a, b];
  assert.equal(conflictOf(a, all), undefined);
  assert.deepEqual(conflictOf(b, all), { other: 'zz-old', container: 'proxy' });
  const cond = validCondition(b, all);
  assert.equal(cond.status, 'False');
  assert.equal(cond.reason, 'Conflict');
  assert.match(cond.message!, /rename the container, or narrow spec.selector/);
  assert.equal(validCondition(a, all).status, 'True');
});

test('disjoint selectors or different container names do not conflict', () => {
  const a = set('a', '2026-01-01T00:00:00Z', 'web');
  assert.equal(conflictOf(set('b', '2026-01-02T00:00:00Z', 'db'), [a, set('b', '2026-01-02T00:00:00Z', 'db')]), undefined);
  const c = set('c', '2026-01-02T00:00:00Z', 'web', 'log');
  assert.equal(conflictOf(c, [a, c]), undefined);
});
