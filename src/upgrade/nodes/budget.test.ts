import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import { EvictionBudget } from './budget.js';

const pdb = (allowed: number, rv: string): V1PodDisruptionBudget => ({
  metadata: { name: 'web', namespace: 'ns', resourceVersion: rv },
  status: { disruptionsAllowed: allowed, currentHealthy: 10, desiredHealthy: 9, expectedPods: 10 },
});

test('EvictionBudget: evictions sent count against the PDB until the cached PDB changes', () => {
  const b = new EvictionBudget();
  let cached = pdb(2, '1');
  const get = (): V1PodDisruptionBudget => cached;
  assert.ok(b.allows(['ns/web'], get));
  b.take(['ns/web'], get);
  assert.equal(b.available('ns/web', cached), 1);
  b.take(['ns/web'], get);
  assert.equal(b.available('ns/web', cached), 0);
  assert.ok(!b.allows(['ns/web'], get), 'two sent, two allowed: the third waits');
  // The server's status update for those evictions arrives: the cache is the truth again.
  cached = pdb(0, '2');
  assert.equal(b.available('ns/web', cached), 0);
  cached = pdb(1, '3');
  assert.ok(b.allows(['ns/web'], get), 'a replacement became healthy');
});

test('EvictionBudget: a refused eviction is given back; a PDB without status is not gated', () => {
  const b = new EvictionBudget();
  const cached = pdb(1, '7');
  const t = b.take(['ns/web'], () => cached);
  assert.ok(!b.allows(['ns/web'], () => cached));
  b.give(t);
  assert.ok(b.allows(['ns/web'], () => cached));
  assert.equal(b.available('ns/new', { metadata: { name: 'new' } }), Infinity);
  assert.ok(b.allows([], () => undefined), 'no PDB covers the pod');
});
