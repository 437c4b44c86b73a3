import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxUnavailablePerUnit, planBatches, resolveBatchSize, type BatchInput, type BatchPod } from './batches.js';

function pods(counts: Record<string, number>): BatchPod[] {
  return Object.entries(counts).flatMap(([unit, n]) => Array.from({ length: n }, (_, i) => ({ name: `${unit}-${i}`, unit })));
}
function input(over: Partial<BatchInput>): BatchInput {
  return { pods: [], units: ['a', 'b', 'c'], beta: false, batchSize: 1, replicas: 6, ...over };
}
const podsOf = (b: { pods: string[] }[]): string[][] => b.map((x) => x.pods);

test('resolveBatchSize: whole numbers pass through', () => {
  assert.equal(resolveBatchSize(1, 10), 1);
  assert.equal(resolveBatchSize(7, 3), 7);
  assert.equal(resolveBatchSize(3, 0), 3);
});

test('resolveBatchSize: percents of replicas round up and are at least 1', () => {
  assert.equal(resolveBatchSize('25%', 10), 3);
  assert.equal(resolveBatchSize('50%', 10), 5);
  assert.equal(resolveBatchSize('1%', 10), 1);
  assert.equal(resolveBatchSize('1%', 150), 2);
  assert.equal(resolveBatchSize('100%', 10), 10);
  assert.equal(resolveBatchSize('100%', 1), 1);
  assert.equal(resolveBatchSize('10%', 0), 1);
  assert.equal(resolveBatchSize('33%', 300), 99);
  assert.equal(resolveBatchSize('7%', 100), 7);
});

test('resolveBatchSize rejects bad sizes with a clear message', () => {
  for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '0%', '101%', '150%', '5', '', '%', '-5%', '2.5%', ' 5%', '5 %', '0005%', '05%', '5%%']) {
    assert.throws(() => resolveBatchSize(bad, 10), /batchSize must be a whole number >= 1 or a percent from 1% to 100%/, String(bad));
  }
  assert.throws(() => resolveBatchSize(null as unknown as number, 10), /not null/);
  assert.throws(() => resolveBatchSize(1, -1), /replicas must be a whole number >= 0/);
  assert.throws(() => resolveBatchSize('10%', 2.5), /replicas/);
});

test('planBatches: no pods give no batches, with or without beta', () => {
  assert.deepEqual(planBatches(input({})), []);
  assert.deepEqual(planBatches(input({ beta: true })), []);
});

test('planBatches: equal units are taken round-robin in unit order', () => {
  const b = planBatches(input({ pods: pods({ a: 2, b: 2, c: 2 }), batchSize: 2 }));
  assert.deepEqual(podsOf(b), [['a-0', 'b-0'], ['c-0', 'a-1'], ['b-1', 'c-1']]);
  assert.deepEqual(b.map((x) => x.index), [0, 1, 2]);
  assert.deepEqual(b.map((x) => x.units), [['a', 'b'], ['a', 'c'], ['b', 'c']]);
});

test('planBatches: beta takes exactly one pod of every unit first', () => {
  const b = planBatches(input({ pods: pods({ a: 3, b: 3, c: 3 }), beta: true, batchSize: 3 }));
  assert.deepEqual(podsOf(b), [['a-0', 'b-0', 'c-0'], ['a-1', 'b-1', 'c-1'], ['a-2', 'b-2', 'c-2']]);
  assert.deepEqual(b[0]!.units, ['a', 'b', 'c']);
});

test('planBatches: beta skips units with nothing to update and ignores batchSize', () => {
  const b = planBatches(input({ pods: pods({ a: 2, c: 1 }), beta: true, batchSize: 10 }));
  assert.deepEqual(podsOf(b), [['a-0', 'c-0'], ['a-1']]);
  assert.deepEqual(b[0]!.units, ['a', 'c']);
});

test('planBatches: beta with one pod per unit is the whole release', () => {
  const b = planBatches(input({ pods: pods({ a: 1, b: 1 }), beta: true, batchSize: 1 }));
  assert.deepEqual(podsOf(b), [['a-0', 'b-0']]);
});

test('planBatches: one unit', () => {
  const b = planBatches(input({ pods: pods({ a: 5 }), units: ['a'], batchSize: 2, replicas: 5 }));
  assert.deepEqual(podsOf(b), [['a-0', 'a-1'], ['a-2', 'a-3'], ['a-4']]);
});

test('planBatches: more units than pods', () => {
  const b = planBatches(input({ pods: pods({ c: 1, a: 1 }), units: ['a', 'b', 'c', 'd'], beta: true, batchSize: 1, replicas: 2 }));
  assert.deepEqual(podsOf(b), [['a-0', 'c-0']]);
});

test('planBatches: percent batch sizes', () => {
  const p = pods({ a: 5, b: 5 });
  assert.equal(planBatches(input({ pods: p, units: ['a', 'b'], batchSize: '100%', replicas: 10 })).length, 1);
  assert.equal(planBatches(input({ pods: p, units: ['a', 'b'], batchSize: '1%', replicas: 10 })).length, 10);
  const quarter = planBatches(input({ pods: p, units: ['a', 'b'], batchSize: '25%', replicas: 10 }));
  assert.deepEqual(quarter.map((x) => x.pods.length), [3, 3, 3, 1]);
  // a percent of replicas, not of the pods left to update
  const half = planBatches(input({ pods: pods({ a: 2 }), units: ['a'], batchSize: '50%', replicas: 10 }));
  assert.deepEqual(podsOf(half), [['a-0', 'a-1']]);
});

test('planBatches: unequal units are interleaved in proportion', () => {
  const b = planBatches(input({ pods: pods({ a: 9, b: 3 }), units: ['a', 'b'], batchSize: 4, replicas: 12 }));
  assert.deepEqual(b.map((x) => x.units), [['a', 'b'], ['a', 'b'], ['a', 'b']]);
  for (const batch of b) assert.equal(batch.pods.filter((n) => n.startsWith('b-')).length, 1);
});

test('planBatches: not-ready pods go first within their unit, then by name', () => {
  const p: BatchPod[] = [
    { name: 'a-2', unit: 'a' },
    { name: 'a-1', unit: 'a', ready: true },
    { name: 'a-9', unit: 'a', ready: false },
  ];
  assert.deepEqual(podsOf(planBatches(input({ pods: p, units: ['a'], batchSize: 1 }))), [['a-9'], ['a-1'], ['a-2']]);
});

test('planBatches: pods of unknown units are planned after the listed units', () => {
  const p = [...pods({ a: 1 }), { name: 'z-0', unit: 'zz' }, { name: 'y-0', unit: 'yy' }, { name: 'n-0', unit: '' }];
  const b = planBatches(input({ pods: p, units: ['a'], beta: true, batchSize: 10 }));
  assert.deepEqual(podsOf(b), [['a-0', 'n-0', 'y-0', 'z-0']]);
  assert.deepEqual(b[0]!.units, ['a', '', 'yy', 'zz']);
});

test('planBatches: rejects duplicate pods and bad batch sizes', () => {
  assert.throws(() => planBatches(input({ pods: [{ name: 'x', unit: 'a' }, { name: 'x', unit: 'b' }] })), /"x" is listed twice/);
  assert.throws(() => planBatches(input({ pods: pods({ a: 1 }), batchSize: 0 })), /batchSize/);
  assert.throws(() => planBatches(input({ batchSize: '0%' })), /batchSize/, 'bad sizes are rejected even with no pods');
});

/** A small deterministic PRNG (mulberry32) so that the property test is reproducible. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('planBatches properties: every pod once, sizes exact, order-independent, per-unit share + 1', () => {
  const random = rng(42);
  for (let round = 0; round < 300; round++) {
    const unitCount = 1 + Math.floor(random() * 6);
    const units = Array.from({ length: unitCount }, (_, i) => `u${i}`);
    const counts: Record<string, number> = {};
    for (const u of units) counts[u] = Math.floor(random() * 12);
    const all = pods(counts);
    const replicas = all.length + Math.floor(random() * 5);
    const size = 1 + Math.floor(random() * 8);
    const beta = random() < 0.5;
    const b = planBatches({ pods: all, units, beta, batchSize: size, replicas });
    const ctx = JSON.stringify({ counts, size, beta });

    assert.deepEqual(b.flatMap((x) => x.pods).sort(), all.map((p) => p.name).sort(), ctx);
    const rest = beta && b.length > 0 ? b.slice(1) : b;
    rest.forEach((x, i) => assert.ok(x.pods.length === size || (i === rest.length - 1 && x.pods.length <= size), ctx));
    if (beta && b.length > 0) {
      assert.deepEqual(b[0]!.units, units.filter((u) => counts[u]! > 0), ctx);
      assert.equal(b[0]!.pods.length, b[0]!.units.length, ctx);
    }
    assert.deepEqual(planBatches({ pods: [...all].reverse(), units, beta, batchSize: size, replicas }), b, `order-independent ${ctx}`);

    const left: Record<string, number> = { ...counts };
    if (beta && b.length > 0) for (const u of b[0]!.units) left[u]! -= 1;
    const total = Object.values(left).reduce((x, y) => x + y, 0);
    for (const x of rest) {
      for (const u of units) {
        const taken = x.pods.filter((n) => n.startsWith(`${u}-`)).length;
        assert.ok(taken <= Math.ceil((size * left[u]!) / total) + 1, `unit ${u} takes ${taken} in a batch: ${ctx}`);
      }
    }
  }
});

test('maxUnavailablePerUnit counts the serving pods of a batch per unit', () => {
  const all: BatchPod[] = [
    { name: 'a-0', unit: 'a', ready: true },
    { name: 'a-1', unit: 'a' },
    { name: 'a-2', unit: 'a', ready: false },
    { name: 'b-0', unit: 'b', ready: false },
    { name: 'c-0', unit: 'c', ready: true },
  ];
  const m = maxUnavailablePerUnit({ pods: ['b-0', 'a-0', 'a-1', 'a-2', 'gone'] }, all);
  assert.deepEqual([...m.entries()], [['b', 0], ['a', 2]]);
  assert.equal(maxUnavailablePerUnit({ pods: [] }, all).size, 0);
  assert.equal(maxUnavailablePerUnit({ pods: ['x'] }, []).size, 0);
});

test('maxUnavailablePerUnit over a planned release: each batch takes at most one pod per unit with equal units', () => {
  const all = pods({ a: 4, b: 4, c: 4 });
  const batches = planBatches({ pods: all, units: ['a', 'b', 'c'], beta: true, batchSize: 3, replicas: 12 });
  for (const batch of batches) {
    for (const n of maxUnavailablePerUnit(batch, all).values()) assert.equal(n, 1);
  }
});
