import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planStages } from './stages.js';

test('apps without dependencies come first; each later stage after all its dependencies; names sorted within a stage', () => {
  const r = planStages([
    { name: 'web', dependsOn: ['order'] },
    { name: 'order', dependsOn: ['db-proxy', 'config'] },
    { name: 'db-proxy' },
    { name: 'config' },
  ]);
  assert.deepEqual(r, { ok: true, stages: [['config', 'db-proxy'], ['order'], ['web']] });
});

test('an app waits for its deepest dependency, not only the first', () => {
  const r = planStages([{ name: 'a' }, { name: 'b', dependsOn: ['a'] }, { name: 'c', dependsOn: ['a', 'b'] }, { name: 'd' }]);
  assert.deepEqual(r, { ok: true, stages: [['a', 'd'], ['b'], ['c']] });
});

test('the same apps in any order give the same stages', () => {
  const apps = [{ name: 'z' }, { name: 'm', dependsOn: ['z'] }, { name: 'a', dependsOn: ['z'] }, { name: 'b' }];
  const first = planStages(apps);
  assert.deepEqual(planStages([...apps].reverse()), first);
  assert.deepEqual(first, { ok: true, stages: [['b', 'z'], ['a', 'm']] });
});

test('a cycle is named from its first app by name, closed', () => {
  const r = planStages([{ name: 'b', dependsOn: ['a'] }, { name: 'a', dependsOn: ['b'] }, { name: 'c' }]);
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.equal(r.problem.kind, 'cycle');
  assert.match(r.problem.message, /^the dependencies form a cycle: a → b → a; remove one of these dependsOn entries$/);
});

test('a longer cycle behind an acyclic prefix, and a self-dependency', () => {
  const r = planStages([{ name: 'a', dependsOn: ['b'] }, { name: 'b', dependsOn: ['c'] }, { name: 'c', dependsOn: ['d'] }, { name: 'd', dependsOn: ['b'] }]);
  assert.ok(!r.ok && r.problem.kind === 'cycle');
  assert.deepEqual(!r.ok && r.problem.kind === 'cycle' ? r.problem.cycle : [], ['b', 'c', 'd', 'b']);
  const self = planStages([{ name: 'x', dependsOn: ['x'] }]);
  assert.ok(!self.ok && self.problem.message.includes('x → x'));
});

test('an unknown dependency is named with the app that has it', () => {
  const r = planStages([{ name: 'web', dependsOn: ['orders'] }, { name: 'order' }]);
  assert.ok(!r.ok);
  assert.equal(!r.ok && r.problem.message, 'app web dependsOn orders, which is not an app of this plan; add orders to spec.apps or remove it from dependsOn');
});

test('a name listed twice is refused', () => {
  const r = planStages([{ name: 'web' }, { name: 'web' }]);
  assert.ok(!r.ok && r.problem.kind === 'duplicate');
});
