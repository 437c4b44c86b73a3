import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GitSource } from '../../api/index.js';
import { renderSources, sourceRow } from './list.js';

const gs = (name: string, ns: string, status?: GitSource['status']): GitSource =>
  ({
    apiVersion: 'fleet.plinth.dev/v1alpha1',
    kind: 'GitSource',
    metadata: { name, namespace: ns },
    spec: { url: `git://git.example/${name}.git`, ref: { tag: 'v1' }, interval: '1m', suspend: false },
    ...(status ? { status } : {}),
  });

test('the sources table: namespace only with -A, short commit, ready, age; a source never checked is Unknown', () => {
  const now = new Date('2026-12-07T20:10:00Z');
  const rows = [
    sourceRow(gs('a', 'team', { commit: '0123456789abcdef0123', fetchedAt: '2026-12-07T20:05:00Z', conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok', lastTransitionTime: '2026-12-07T20:05:00Z' }] })),
    sourceRow(gs('b', 'team')),
  ];
  assert.equal(
    renderSources(rows, 'table', true, now),
    [
      'NAMESPACE   NAME   URL                       REF      COMMIT         READY     FETCHED',
      'team        a      git://git.example/a.git   tag v1   0123456789ab   True      5m',
      'team        b      git://git.example/b.git   tag v1   <none>         Unknown   <none>',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(renderSources(rows, 'table', false, now), /NAMESPACE/);
  assert.match(renderSources(rows, 'wide', false, now).split('\n')[1]!, /True\s+5m\s+ok$/);
  assert.deepEqual(JSON.parse(renderSources(rows, 'json', false, now)).items[1], { namespace: 'team', name: 'b', url: 'git://git.example/b.git', ref: 'tag v1', ready: 'Unknown', suspended: false, artifacts: [] });
});
