import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countNodes } from './heartbeat.js';

test('nodes are counted by zone and architecture, with the Ready ones', () => {
  const node = (zone: string | undefined, arch: string, ready: boolean): Parameters<typeof countNodes>[0][number] => ({
    metadata: { labels: { ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}), 'kubernetes.io/arch': arch } },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
  assert.deepEqual(countNodes([node('b', 'amd64', true), node('a', 'arm64', true), node('b', 'amd64', false), node(undefined, 'amd64', true)]), [
    { arch: 'amd64', count: 1, ready: 1 },
    { zone: 'a', arch: 'arm64', count: 1, ready: 1 },
    { zone: 'b', arch: 'amd64', count: 2, ready: 1 },
  ]);
  assert.deepEqual(countNodes([]), []);
});
