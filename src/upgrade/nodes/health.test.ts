import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { healthVerdict, SuccessorLedger } from './health.js';
import type { World } from './world.js';

const RS = 'ReplicaSet ns/web';

function rs(ready: number, replicas = 10): V1ReplicaSet {
  return { metadata: { name: 'web', namespace: 'ns', uid: 'rs-uid' }, spec: { replicas, selector: {} }, status: { replicas, readyReplicas: ready } };
}

function pod(name: string, created: string, ready = true): V1Pod {
  return {
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, creationTimestamp: new Date(created), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true }] },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function world(set: V1ReplicaSet, pods: V1Pod[]): World {
  return {
    replicaSets: { get: (k: string) => (k === 'ns/web' ? set : undefined) },
    statefulSets: { get: () => undefined },
    pdbs: { get: () => undefined },
    podsOwnedBy: (uid: string) => (uid === 'rs-uid' ? pods : []),
  } as unknown as World;
}

const node = (drainStartedAt: string, evicted: number): Parameters<typeof healthVerdict>[1] => ({ workloads: [RS], evictedFrom: { [RS]: evicted }, drainStartedAt });

test('health: a workload at its full ready count passes without counting successors', () => {
  const v = healthVerdict(world(rs(10), []), node('2026-01-01T00:00:10Z', 2), new SuccessorLedger());
  assert.deepEqual(v.waiting, []);
  assert.deepEqual(v.claims, []);
});

test('health: below the full count, one Ready pod created since the drain per evicted pod passes', () => {
  const pods = [pod('old', '2026-01-01T00:00:00Z'), pod('new1', '2026-01-01T00:00:12Z'), pod('new2', '2026-01-01T00:00:15Z', false)];
  const ledger = new SuccessorLedger();
  const w = world(rs(8), pods);
  let v = healthVerdict(w, node('2026-01-01T00:00:10.400Z', 2), ledger);
  assert.deepEqual(v.waiting, [`${RS} 1/2 evicted pod(s) replaced (8/10 ready)`], 'the old pod and the unready one do not count');
  pods[2] = pod('new2', '2026-01-01T00:00:15Z');
  v = healthVerdict(w, node('2026-01-01T00:00:10.400Z', 2), ledger);
  assert.deepEqual(v.waiting, []);
  assert.deepEqual(v.claims, [{ workload: RS, uids: ['uid-new1', 'uid-new2'] }]);
});

test('health: successors counted for one node are not counted again for another', () => {
  const pods = [pod('new1', '2026-01-01T00:00:12Z'), pod('new2', '2026-01-01T00:00:13Z'), pod('new3', '2026-01-01T00:00:20Z')];
  const ledger = new SuccessorLedger();
  const w = world(rs(7), pods);
  const first = healthVerdict(w, node('2026-01-01T00:00:11Z', 2), ledger);
  assert.deepEqual(first.claims[0]?.uids, ['uid-new1', 'uid-new2'], 'oldest first');
  for (const c of first.claims) ledger.claim(c.workload, c.uids);
  const second = healthVerdict(w, node('2026-01-01T00:00:11Z', 2), ledger);
  assert.deepEqual(second.waiting, [`${RS} 1/2 evicted pod(s) replaced (7/10 ready)`]);
  // A node whose drain began after new3 was created waits for a newer pod.
  const late = healthVerdict(w, node('2026-01-01T00:00:21Z', 1), ledger);
  assert.equal(late.waiting.length, 1);
});

test('health: without per-workload eviction counts (state of an older run) the full ready count is required', () => {
  const v = healthVerdict(world(rs(9), [pod('new1', '2026-01-01T00:00:12Z')]), { workloads: [RS], drainStartedAt: '2026-01-01T00:00:10Z' }, new SuccessorLedger());
  assert.deepEqual(v.waiting, [`${RS} 9/10 ready`]);
});
