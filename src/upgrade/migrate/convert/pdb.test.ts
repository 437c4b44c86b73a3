import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from './index.js';

test('PDB policy/v1beta1 with a selector: only the apiVersion changes', () => {
  const spec = { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } };
  const r = convertObject({ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec }, 25);
  assert.equal(r.to, 'policy/v1');
  assert.deepEqual(r.object?.spec, spec);
  assert.deepEqual(r.warnings, []);
});

test('PDB with an empty selector: meaning kept (selects no pods) and a loud warning says what to do', () => {
  for (const selector of [{}, { matchLabels: {} }, { matchLabels: {}, matchExpressions: [] }]) {
    const r = convertObject({ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'all', namespace: 'shop' }, spec: { maxUnavailable: 1, selector } }, 34);
    assert.deepEqual(r.object?.spec, { maxUnavailable: 1 });
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0] ?? '', /PodDisruptionBudget shop\/all: its empty selector \{\} selected NO pods in policy\/v1beta1 but would select EVERY pod/);
    assert.match(r.warnings[0] ?? '', /set spec\.selector: \{\} yourself/);
  }
});
