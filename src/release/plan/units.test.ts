import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scalePlan, topologyProblems, unitTargets, type UnitSpec } from './units.js';
import type { PodInfo } from './pods.js';

function spec(replicas: number, units: string[], unitReplicas?: Record<string, number>): UnitSpec {
  return { replicas, topology: { unitKey: 'zone', units, ...(unitReplicas ? { unitReplicas } : {}) } };
}
const entries = (m: Map<string, number>): [string, number][] => [...m.entries()];

test('unitTargets spreads evenly; the first units in listed order take the remainder', () => {
  assert.deepEqual(entries(unitTargets(spec(6, ['a', 'b', 'c']))), [['a', 2], ['b', 2], ['c', 2]]);
  assert.deepEqual(entries(unitTargets(spec(5, ['a', 'b', 'c']))), [['a', 2], ['b', 2], ['c', 1]]);
  assert.deepEqual(entries(unitTargets(spec(7, ['c', 'a', 'b']))), [['c', 3], ['a', 2], ['b', 2]]);
  assert.deepEqual(topologyProblems(spec(5, ['a', 'b', 'c'])), []);
});

test('unitTargets: one unit takes everything', () => {
  assert.deepEqual(entries(unitTargets(spec(9, ['only']))), [['only', 9]]);
});

test('unitTargets: replicas 0 gives every unit 0', () => {
  assert.deepEqual(entries(unitTargets(spec(0, ['a', 'b']))), [['a', 0], ['b', 0]]);
  assert.deepEqual(topologyProblems(spec(0, ['a', 'b'])), []);
});

test('unitTargets: more units than replicas leaves the last units empty', () => {
  assert.deepEqual(entries(unitTargets(spec(2, ['a', 'b', 'c', 'd']))), [['a', 1], ['b', 1], ['c', 0], ['d', 0]]);
});

test('unitTargets: fixed units first, the rest spread over the other units', () => {
  const s = spec(10, ['a', 'b', 'c', 'd'], { b: 1 });
  assert.deepEqual(entries(unitTargets(s)), [['a', 3], ['b', 1], ['c', 3], ['d', 3]]);
  const t = spec(10, ['a', 'b', 'c'], { a: 5, c: 0 });
  assert.deepEqual(entries(unitTargets(t)), [['a', 5], ['b', 5], ['c', 0]]);
  assert.deepEqual(topologyProblems(t), []);
});

test('unitTargets: fixed counts equal to replicas leave the free units empty', () => {
  assert.deepEqual(entries(unitTargets(spec(4, ['a', 'b', 'c'], { a: 4 }))), [['a', 4], ['b', 0], ['c', 0]]);
});

test('unitTargets: all units fixed and short of replicas reports the shortfall', () => {
  const s = spec(10, ['a', 'b'], { a: 3, b: 4 });
  assert.deepEqual(entries(unitTargets(s)), [['a', 3], ['b', 4]]);
  const problems = topologyProblems(s);
  assert.equal(problems.length, 1);
  assert.equal(problems[0]!.field, 'spec.topology.unitReplicas');
  assert.match(problems[0]!.message, /3 short of replicas \(10\)/);
});

test('unitTargets: all units fixed and exactly replicas is fine', () => {
  const s = spec(7, ['a', 'b'], { a: 3, b: 4 });
  assert.deepEqual(entries(unitTargets(s)), [['a', 3], ['b', 4]]);
  assert.deepEqual(topologyProblems(s), []);
});

test('unitTargets: fixed counts above replicas are capped in listed order and reported', () => {
  const s = spec(5, ['a', 'b', 'c'], { b: 4, a: 3 });
  assert.deepEqual(entries(unitTargets(s)), [['a', 3], ['b', 2], ['c', 0]]);
  assert.ok(topologyProblems(s).some((p) => /add up to 7, more than replicas \(5\)/.test(p.message)));
});

test('unitTargets: unitReplicas for unknown units and bad counts are ignored and reported', () => {
  const s = spec(6, ['a', 'b'], { x: 2, a: -1, b: 1.5 });
  assert.deepEqual(entries(unitTargets(s)), [['a', 3], ['b', 3]]);
  const fields = topologyProblems(s).map((p) => p.field).sort();
  assert.deepEqual(fields, ['spec.topology.unitReplicas.a', 'spec.topology.unitReplicas.b', 'spec.topology.unitReplicas.x']);
});

test('unitTargets: duplicate units count once; no units and bad replicas are problems', () => {
  const dup = spec(4, ['a', 'b', 'a']);
  assert.deepEqual(entries(unitTargets(dup)), [['a', 2], ['b', 2]]);
  assert.match(topologyProblems(dup)[0]!.message, /listed more than once/);
  assert.equal(unitTargets(spec(3, [])).size, 0);
  assert.match(topologyProblems(spec(3, []))[0]!.message, /no units/);
  assert.deepEqual(entries(unitTargets(spec(-1, ['a']))), [['a', 0]]);
  assert.equal(topologyProblems(spec(2.5, ['a']))[0]!.field, 'spec.replicas');
});

test('unitTargets: the total is always replicas when the topology is valid', () => {
  for (let replicas = 0; replicas <= 40; replicas++) {
    for (let n = 1; n <= 7; n++) {
      const units = Array.from({ length: n }, (_, i) => `u${i}`);
      const t = unitTargets(spec(replicas, units, n > 2 ? { u1: Math.min(replicas, 2) } : undefined));
      const values = [...t.values()];
      assert.equal(values.reduce((a, b) => a + b, 0), replicas, `replicas=${replicas} units=${n}`);
      const free = [...t.entries()].filter(([u]) => !(n > 2 && u === 'u1')).map(([, v]) => v);
      assert.ok(Math.max(...free) - Math.min(...free) <= 1, 'free units differ by at most one');
    }
  }
});

let clock = 0;
function pod(name: string, unit: string, over: Partial<PodInfo> = {}): PodInfo {
  clock += 1000;
  return { name, unit, revision: 'r2', ready: true, createdAt: new Date(clock), deleting: false, ...over };
}

test('scalePlan creates the missing pods per unit', () => {
  const plan = scalePlan([pod('a1', 'a')], new Map([['a', 3], ['b', 2], ['c', 0]]), 'r2');
  assert.deepEqual(entries(plan.create), [['a', 2], ['b', 2]]);
  assert.deepEqual(plan.delete, []);
});

test('scalePlan does nothing when every unit is at its target', () => {
  const plan = scalePlan([pod('a1', 'a'), pod('b1', 'b')], new Map([['a', 1], ['b', 1]]), 'r2');
  assert.equal(plan.create.size, 0);
  assert.deepEqual(plan.delete, []);
});

test('scalePlan with no pods and no targets is empty', () => {
  const plan = scalePlan([], new Map(), 'r2');
  assert.equal(plan.create.size, 0);
  assert.deepEqual(plan.delete, []);
});

test('scalePlan deletes not-ready, then old-revision, then newest pods', () => {
  const pods = [
    pod('old-ready-old-rev', 'a', { revision: 'r1', createdAt: new Date(1) }),
    pod('new-ready', 'a', { createdAt: new Date(50) }),
    pod('older-ready', 'a', { createdAt: new Date(10) }),
    pod('not-ready', 'a', { ready: false, createdAt: new Date(0) }),
  ];
  assert.deepEqual(scalePlan(pods, new Map([['a', 3]]), 'r2').delete, ['not-ready']);
  assert.deepEqual(scalePlan(pods, new Map([['a', 2]]), 'r2').delete, ['not-ready', 'old-ready-old-rev']);
  assert.deepEqual(scalePlan(pods, new Map([['a', 1]]), 'r2').delete, ['not-ready', 'old-ready-old-rev', 'new-ready']);
  assert.deepEqual(scalePlan(pods, new Map([['a', 0]]), 'r2').delete.length, 4);
});

test('scalePlan ignores deleting pods and replaces them', () => {
  const pods = [pod('a1', 'a'), pod('a2', 'a', { deleting: true })];
  const plan = scalePlan(pods, new Map([['a', 2]]), 'r2');
  assert.deepEqual(entries(plan.create), [['a', 1]]);
  assert.deepEqual(plan.delete, []);
});

test('scalePlan deletes every pod of a unit without a target, first', () => {
  const pods = [pod('a1', 'a'), pod('a2', 'a'), pod('gone1', 'gone'), pod('nolabel', '')];
  const plan = scalePlan(pods, new Map([['a', 1]]), 'r2');
  assert.deepEqual(plan.delete.slice(0, 2).sort(), ['gone1', 'nolabel']);
  assert.deepEqual(plan.delete.slice(2), ['a2']);
});

test('scalePlan is independent of the order of its input', () => {
  const pods = [pod('p1', 'a'), pod('p2', 'a'), pod('p3', 'b', { ready: false }), pod('p4', 'b'), pod('p5', 'b')];
  const targets = new Map([['a', 1], ['b', 1]]);
  const expected = scalePlan(pods, targets, 'r2');
  assert.deepEqual(expected.delete, ['p2', 'p3', 'p5']);
  assert.deepEqual(scalePlan([...pods].reverse(), targets, 'r2'), expected);
});
