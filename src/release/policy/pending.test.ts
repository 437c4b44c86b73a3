import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { stuckPending } from './pending.js';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number): Date => new Date(t0 + s * 1000);

function pod(name: string, phase: string, createdS: number, unschedulableS?: number, deleting = false): V1Pod {
  return {
    metadata: { name, creationTimestamp: at(createdS), ...(deleting ? { deletionTimestamp: at(createdS) } : {}) },
    status: {
      phase,
      ...(unschedulableS !== undefined
        ? { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available', lastTransitionTime: at(unschedulableS) }] }
        : {}),
    },
  };
}

test('pods of the batch Pending past the timeout are stuck, named with why; the others say when to look again', () => {
  const pods = [pod('a', 'Pending', 0, 10), pod('b', 'Pending', 50), pod('c', 'Running', 0), pod('d', 'Pending', 0), pod('e', 'Pending', 0, undefined, true)];
  const v = stuckPending(pods, ['a', 'b', 'c', 'e'], 60, at(75));
  assert.deepEqual(v.stuck, [{ name: 'a', seconds: 65, reason: 'Unschedulable: 0/3 nodes are available' }]);
  assert.equal(v.nextInMs, 35_000, 'b reaches 60 s at t=110');
  assert.deepEqual(stuckPending(pods, ['c'], 60, at(75)), { stuck: [], nextInMs: undefined }, 'nothing Pending');
  assert.equal(stuckPending(pods, ['d'], 60, at(75)).stuck[0]?.reason, 'containers not started', 'scheduled but not started: counted from creation');
});
