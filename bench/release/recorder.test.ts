import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import { podObs, sliceObs } from './recorder.js';

test('pod observation: spec image, deletion, and whether the container runs the spec image ready', () => {
  const p: V1Pod = {
    metadata: { uid: 'u1', deletionTimestamp: new Date() },
    spec: { containers: [{ name: 'web', image: 'web:2' }] },
    status: { containerStatuses: [{ name: 'web', image: 'web:1', imageID: '', ready: true, restartCount: 0 }] },
  };
  assert.deepEqual(podObs(5, p, false), { t: 5, uid: 'u1', image: 'web:2', deleting: true, gone: false, upToDate: false });
  p.status!.containerStatuses![0]!.image = 'web:2';
  assert.equal(podObs(6, p, false).upToDate, true);
});

test('slice observation: endpoints with a pod UID, API nils resolved; a deleted slice lists nothing', () => {
  const s = {
    metadata: { name: 's1' },
    endpoints: [{ targetRef: { uid: 'a' }, conditions: { ready: false, serving: true, terminating: true } }, { targetRef: { uid: 'b' } }, { conditions: {} }],
  };
  assert.deepEqual(sliceObs(1, s, false), {
    t: 1,
    slice: 's1',
    endpoints: [
      { uid: 'a', ready: false, serving: true, terminating: true },
      { uid: 'b', ready: true, serving: true, terminating: false },
    ],
  });
  assert.deepEqual(sliceObs(2, s, true).endpoints, []);
});
