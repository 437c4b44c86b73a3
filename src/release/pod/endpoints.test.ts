import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakePod } from '../../../test/support/release-objects.js';
import { inTraffic, slicePodKeys, slicePodUids, type EndpointSliceLike } from './endpoints.js';

const pod = fakePod({ name: 'p', uid: 'u1' });
function slice(conditions: Record<string, boolean | null | undefined> | undefined, uid = 'u1'): EndpointSliceLike {
  return { metadata: { name: 's', namespace: 'ns' }, endpoints: [{ targetRef: { kind: 'Pod', name: 'p', uid }, ...(conditions ? { conditions } : {}) }] };
}

test('in traffic when any slice lists the pod ready or serving', () => {
  assert.ok(inTraffic(pod, [slice({ ready: true, serving: true, terminating: false })]));
  assert.ok(inTraffic(pod, [slice({ ready: false, serving: true, terminating: false })]), 'serving counts');
  assert.ok(inTraffic(pod, [slice(undefined)]), 'no conditions: ready unknown means ready');
  assert.ok(inTraffic(pod, [slice({ ready: null })]));
  assert.ok(inTraffic(pod, [slice({ ready: false, serving: false }), slice({ ready: true })]), 'any slice');
});

test('out of traffic when every listing says not ready and not serving, or none lists it', () => {
  assert.ok(!inTraffic(pod, [slice({ ready: false, serving: false, terminating: false })]));
  assert.ok(!inTraffic(pod, [slice({ ready: false })]), 'serving follows ready when unset');
  assert.ok(!inTraffic(pod, []));
  assert.ok(!inTraffic(pod, [slice({ ready: true }, 'other')]));
});

test('terminating endpoints count only when ready (serving-terminating is a proxy fallback)', () => {
  assert.ok(!inTraffic(pod, [slice({ ready: false, serving: true, terminating: true })]));
  assert.ok(inTraffic(pod, [slice({ ready: true, serving: true, terminating: true })]));
});

test('slice indexes: pod UIDs and keys', () => {
  const s: EndpointSliceLike = {
    metadata: { name: 's', namespace: 'ns' },
    endpoints: [{ targetRef: { kind: 'Pod', name: 'a', uid: 'ua' } }, { targetRef: { kind: 'Node', name: 'n', uid: 'un' } }, { targetRef: { kind: 'Pod', name: 'b', namespace: 'other', uid: 'ub' } }],
  };
  assert.deepEqual(slicePodUids(s), ['ua', 'ub']);
  assert.deepEqual(slicePodKeys(s), ['ns/a', 'other/b']);
});
