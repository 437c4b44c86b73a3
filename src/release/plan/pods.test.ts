import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { compareStrings, deletionOrder, podInfo, type PodInfo } from './pods.js';

const keys = { unit: 'apps.plinth.dev/unit', revision: 'apps.plinth.dev/revision' };

test('podInfo reads name, unit, revision, readiness, creation and deletion', () => {
  const pod: V1Pod = {
    metadata: {
      name: 'web-1',
      labels: { 'apps.plinth.dev/unit': 'zone-a', 'apps.plinth.dev/revision': 'abc' },
      creationTimestamp: new Date('2024-01-01T00:00:00Z'),
    },
    status: { conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }] },
  };
  assert.deepEqual(podInfo(pod, keys), {
    name: 'web-1',
    unit: 'zone-a',
    revision: 'abc',
    ready: true,
    createdAt: new Date('2024-01-01T00:00:00Z'),
    deleting: false,
  });
});

test('podInfo: missing fields give empty unit and revision, not ready, epoch; deletionTimestamp means deleting', () => {
  const info = podInfo({ metadata: { name: 'x', deletionTimestamp: new Date(5) }, status: { conditions: [{ type: 'Ready', status: 'False' }] } }, keys);
  assert.equal(info.unit, '');
  assert.equal(info.revision, '');
  assert.equal(info.ready, false);
  assert.equal(info.createdAt.getTime(), 0);
  assert.equal(info.deleting, true);
  assert.equal(podInfo({}, keys).name, '');
});

test('podInfo accepts a timestamp string as raw JSON gives it', () => {
  const raw = { metadata: { name: 'x', creationTimestamp: '2024-05-01T10:00:00Z' } } as unknown as V1Pod;
  assert.equal(podInfo(raw, keys).createdAt.toISOString(), '2024-05-01T10:00:00.000Z');
});

function p(name: string, over: Partial<PodInfo> = {}): PodInfo {
  return { name, unit: 'a', revision: 'new', ready: true, createdAt: new Date(1000), deleting: false, ...over };
}

test('deletionOrder ranks deleting, not ready, old revision, newest, then name', () => {
  const pods = [
    p('z-old-ready'),
    p('a-new-ready', { createdAt: new Date(2000) }),
    p('old-rev', { revision: 'old' }),
    p('not-ready', { ready: false }),
    p('deleting', { deleting: true }),
    p('b-old-ready'),
  ];
  assert.deepEqual(
    pods.sort(deletionOrder('new')).map((x) => x.name),
    ['deleting', 'not-ready', 'old-rev', 'a-new-ready', 'b-old-ready', 'z-old-ready'],
  );
});

test('deletionOrder: an invalid date counts as the epoch (oldest) and keeps the order total', () => {
  const cmp = deletionOrder('new');
  const bad = p('bad', { createdAt: new Date('nope') });
  const good = p('good');
  assert.ok(cmp(good, bad) < 0, 'the newer pod goes first');
  assert.ok(cmp(bad, good) > 0);
  assert.equal(cmp(bad, bad), 0);
});

test('compareStrings is by code unit, not locale', () => {
  assert.ok(compareStrings('B', 'a') < 0);
  assert.ok(compareStrings('a', 'B') > 0);
  assert.equal(compareStrings('x', 'x'), 0);
});
