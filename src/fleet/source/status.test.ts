import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GitSource } from '../../api/index.js';
import { sourceStatus } from './status.js';
import { collectable, type IndexEntry } from './store.js';

const D = (c: string): string => `sha256:${c.repeat(64)}`;
const gs = (status?: GitSource['status']): Pick<GitSource, 'metadata' | 'status'> => ({ metadata: { name: 's', namespace: 'n', generation: 2 }, ...(status ? { status } : {}) });
const now = new Date('2026-12-07T20:00:00Z');

test('a new commit renders every path; Ready is True and the root is status.artifact', () => {
  const s = sourceStatus(gs(), { ok: true, commit: 'c1', fetchedAt: now, paths: [{ path: 'b', digest: D('b'), objects: 2 }, { path: '', digest: D('a'), objects: 1 }] }, now);
  assert.equal(s.commit, 'c1');
  assert.deepEqual(s.artifacts?.map((e) => [e.path, e.digest, e.commit]), [['', D('a'), 'c1'], ['b', D('b'), 'c1']]);
  assert.deepEqual(s.artifact, { digest: D('a'), path: '' });
  assert.equal(s.conditions?.[0]?.status, 'True');
  assert.equal(s.observedGeneration, 2);
});

test('a path that fails to render keeps its previous digest and commit and carries the error; Ready is False with it', () => {
  const prev = sourceStatus(gs(), { ok: true, commit: 'c1', fetchedAt: now, paths: [{ path: 'app', digest: D('1'), objects: 3 }] }, now);
  const s = sourceStatus(gs(prev), { ok: true, commit: 'c2', fetchedAt: now, paths: [{ path: 'app', error: 'cannot render app: app/x.yaml:4: invalid YAML: bad' }] }, now);
  assert.equal(s.commit, 'c2');
  assert.deepEqual(s.artifacts, [{ path: 'app', digest: D('1'), objects: 3, commit: 'c1', error: 'cannot render app: app/x.yaml:4: invalid YAML: bad' }]);
  const ready = s.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'False');
  assert.equal(ready?.reason, 'RenderFailed');
  assert.match(ready?.message ?? '', /app\/x\.yaml:4/);
});

test('a failed fetch keeps the previous commit and artifacts, only Ready changes', () => {
  const prev = sourceStatus(gs(), { ok: true, commit: 'c1', fetchedAt: now, paths: [{ path: '', digest: D('1'), objects: 1 }] }, now);
  const s = sourceStatus(gs(prev), { ok: false, reason: 'Unreachable', message: 'cannot reach the Git repository git://x' }, new Date(now.getTime() + 5000));
  assert.equal(s.commit, 'c1');
  assert.deepEqual(s.artifacts, prev.artifacts);
  assert.equal(s.fetchedAt, prev.fetchedAt);
  assert.deepEqual(
    s.conditions?.map((c) => [c.type, c.status, c.reason]),
    [['Ready', 'False', 'Unreachable']],
  );
});

test('garbage: referenced digests and the newest ten per source and path stay', () => {
  const index = new Map<string, IndexEntry>();
  for (let i = 0; i < 13; i++) index.set(D(i.toString(16)), { namespace: 'n', source: 's', commit: `c${i}`, path: 'app', storedAt: i });
  index.set(D('f'), { namespace: 'n', source: 's', commit: 'x', path: 'other', storedAt: 0 });
  // Oldest three of "app" are 0, 1, 2; 1 is still referenced by a ClusterDelivery.
  assert.deepEqual(collectable(index, new Set([D('1')])), [D('0'), D('2')]);
});
