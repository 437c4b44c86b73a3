import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import { EvictionBudget, EvictionSlots, PdbLanes } from './budget.js';

const pdb = (allowed: number, rv: string): V1PodDisruptionBudget => ({
  metadata: { name: 'web', namespace: 'ns', resourceVersion: rv },
  status: { disruptionsAllowed: allowed, currentHealthy: 10, desiredHealthy: 9, expectedPods: 10 },
});

test('EvictionBudget: evictions count while on the wire, and once accepted until the cached PDB changes', () => {
  const b = new EvictionBudget();
  let cached = pdb(2, '1');
  const get = (): V1PodDisruptionBudget => cached;
  assert.ok(b.allows(['ns/web'], get));
  const t1 = b.take(['ns/web']);
  assert.equal(b.available('ns/web', cached), 1);
  const t2 = b.take(['ns/web']);
  assert.ok(!b.allows(['ns/web'], get), 'two sent, two allowed: the third waits');
  // Another change to the PDB (a third party's eviction, the disruption controller) while both are on the wire.
  cached = pdb(2, '2');
  assert.equal(b.available('ns/web', cached), 0, 'on the wire: still counted');
  b.accepted(t1, get);
  assert.equal(b.available('ns/web', cached), 0, 'accepted, but the cache has not moved since');
  cached = pdb(1, '3'); // the server's status update for t1
  assert.equal(b.available('ns/web', cached), 0, 't1 is in the cache now; t2 is still on the wire');
  b.accepted(t2, get);
  cached = pdb(0, '4');
  assert.equal(b.available('ns/web', cached), 0);
  cached = pdb(1, '5');
  assert.ok(b.allows(['ns/web'], get), 'a replacement became healthy');
});

test('EvictionBudget: a refused eviction is given back; a PDB without status is not gated', () => {
  const b = new EvictionBudget();
  const cached = pdb(1, '7');
  const t = b.take(['ns/web']);
  assert.ok(!b.allows(['ns/web'], () => cached));
  b.give(t);
  assert.ok(b.allows(['ns/web'], () => cached));
  assert.equal(b.available('ns/new', { metadata: { name: 'new' } }), Infinity);
  assert.ok(b.allows([], () => undefined), 'no PDB covers the pod');
});

test('EvictionSlots: at most `limit` holders, waiters served in order, an aborted waiter leaves the line', async () => {
  const slots = new EvictionSlots(2);
  const never = new AbortController().signal;
  const r1 = await slots.acquire(never);
  const r2 = await slots.acquire(never);
  const order: string[] = [];
  const ac = new AbortController();
  const w3 = slots.acquire(never).then((r) => (order.push('3'), r));
  const w4 = slots.acquire(ac.signal).then(() => order.push('4'), () => order.push('4 aborted'));
  const w5 = slots.acquire(never).then((r) => (order.push('5'), r));
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(order, [], 'all three wait');
  ac.abort(new Error('stop'));
  r1();
  r1(); // a second release of the same slot does nothing
  const r3 = await w3;
  await w4;
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(order, ['4 aborted', '3']);
  r2();
  const r5 = await w5;
  assert.deepEqual(order, ['4 aborted', '3', '5']);
  r3();
  r5();
  const again = await slots.acquire(never);
  again();
});

test('PdbLanes: one eviction per PDB at a time; other PDBs go on; a pod under two PDBs holds both; an aborted wait holds none', async () => {
  const lanes = new PdbLanes();
  const never = new AbortController().signal;
  const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 10));
  const order: string[] = [];
  const a1 = await lanes.acquire(['ns/a'], never);
  const b1 = await lanes.acquire(['ns/b'], never);
  order.push('a1', 'b1');
  const both = lanes.acquire(['ns/b', 'ns/a'], never).then((r) => (order.push('ab'), r));
  const a2 = lanes.acquire(['ns/a'], never).then((r) => (order.push('a2'), r));
  const ac = new AbortController();
  const b2 = lanes.acquire(['ns/b'], ac.signal).then(() => order.push('b2'), () => order.push('b2 aborted'));
  const free = await lanes.acquire([], never);
  free();
  const c = await lanes.acquire(['ns/c'], never);
  c();
  await tick();
  assert.deepEqual(order, ['a1', 'b1'], 'the second eviction under a PDB waits; another PDB and no PDB do not');
  a1();
  await tick();
  assert.deepEqual(order, ['a1', 'b1'], 'holding ns/a, the two-PDB eviction still waits for ns/b');
  ac.abort(new Error('stop'));
  await b2;
  b1();
  const ab = await both;
  await tick();
  assert.deepEqual(order, ['a1', 'b1', 'b2 aborted', 'ab']);
  ab();
  const r2 = await a2;
  assert.deepEqual(order, ['a1', 'b1', 'b2 aborted', 'ab', 'a2']);
  r2();
  const b3 = await lanes.acquire(['ns/b'], never);
  b3();
});
