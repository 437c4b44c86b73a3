import { test } from 'node:test';
import assert from 'node:assert/strict';
import { place } from './placement.js';
import { selectOverrides } from './override-select.js';
import type { MemberView } from './types.js';

const m = (name: string, labels: Record<string, string> = {}, accepted = true): MemberView => ({ name, labels, accepted });
const fleet = [m('e1', { tier: 'edge' }), m('p2', { tier: 'province' }), m('p1', { tier: 'province' }), m('x', { tier: 'province' }, false)];

test('placement is the union of the selector and the names, accepted clusters only, sorted', () => {
  const p = place({ clusterSelector: { matchLabels: { tier: 'province' } }, clusterNames: ['e1'] }, fleet);
  assert.deepEqual(p.placed.map((c) => c.name), ['e1', 'p1', 'p2']);
  assert.deepEqual(p.unknown, []);
});

test('names that do not exist or are not accepted are reported, not placed', () => {
  const p = place({ clusterNames: ['p1', 'ghost', 'x'] }, fleet);
  assert.deepEqual(p.placed.map((c) => c.name), ['p1']);
  assert.deepEqual(p.unknown, ['ghost']);
  assert.deepEqual(p.notAccepted, ['x']);
});

test('an empty selector places every accepted cluster; names alone place only those', () => {
  assert.equal(place({ clusterSelector: {} }, fleet).placed.length, 3);
  assert.deepEqual(place({ clusterNames: ['p2'] }, fleet).placed.map((c) => c.name), ['p2']);
  assert.deepEqual(place({ clusterSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['province'] }] } }, fleet).placed.map((c) => c.name), ['e1']);
});

test('overrides are picked per cluster in order, reduced to their changes; one matching nothing is reported', () => {
  const placed = place({ clusterSelector: {} }, fleet).placed;
  const sel = selectOverrides(
    [
      { clusterSelector: { matchLabels: { tier: 'province' } }, replicas: 3 },
      { clusterNames: ['p1'], images: [{ container: 'web', image: 'web:2' }] },
      { clusterNames: ['nowhere'], replicas: 9 },
      { clusterSelector: { matchLabels: { tier: 'edge' } }, labels: { a: 'b' } },
    ],
    placed,
  );
  assert.deepEqual(sel.byCluster.get('p1'), [{ replicas: 3 }, { images: [{ container: 'web', image: 'web:2' }] }]);
  assert.deepEqual(sel.byCluster.get('p2'), [{ replicas: 3 }]);
  assert.deepEqual(sel.byCluster.get('e1'), [{ labels: { a: 'b' } }]);
  assert.deepEqual(sel.unmatched, [2]);
});

test('sameDesiredState does not depend on key order (the API server returns its own order)', async () => {
  const { sameDesiredState, canon } = await import('./desired.js');
  assert.equal(canon({ b: 1, a: { d: [{ y: 1, x: 2 }], c: 3 } }), '{"a":{"c":3,"d":[{"x":2,"y":1}]},"b":1}');
  const want = {
    delivery: { namespace: 'fleet', name: 'web' },
    revision: 'c1',
    artifact: { digest: 'sha256:' + '0'.repeat(64), url: 'https://hub/artifacts/x' },
    overrides: [{ replicas: 2, labels: { tier: 'edge' } }],
    prune: true,
    drift: 'Correct' as const,
    suspend: false,
  };
  const fromApi = { ...want, sequence: 1, overrides: [{ labels: { tier: 'edge' }, replicas: 2 }] };
  assert.ok(sameDesiredState(fromApi, want));
});
