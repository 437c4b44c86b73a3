import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakePod } from '../../../test/support/release-objects.js';
import { KEYS } from '../keys.js';
import { containersReadyOnSpec, drainStartedAt, isAvailable, isDraining, readyOnceAdmitted, sameImage } from './state.js';

test('sameImage normalizes what runtimes report', () => {
  assert.ok(sameImage('nginx', 'docker.io/library/nginx:latest'));
  assert.ok(sameImage('nginx:1.25', 'docker.io/library/nginx:1.25'));
  assert.ok(sameImage('org/app:2', 'docker.io/org/app:2'));
  assert.ok(sameImage('registry.corp:5000/app:2', 'registry.corp:5000/app:2'));
  assert.ok(sameImage('localhost/app', 'localhost/app:latest'));
  assert.ok(!sameImage('nginx:1.25', 'docker.io/library/nginx:1.26'));
  assert.ok(!sameImage('registry.corp/app:2', 'docker.io/app:2'));
  assert.ok(sameImage('app@sha256:abc', 'docker.io/library/app@sha256:abc'));
});

test('containersReadyOnSpec: right after an in-place patch the old image, though ready, does not count', () => {
  assert.ok(containersReadyOnSpec(fakePod({ name: 'p', image: 'web:2' })));
  assert.ok(!containersReadyOnSpec(fakePod({ name: 'p', image: 'web:2', runningImage: 'web:1' })));
  assert.ok(!containersReadyOnSpec(fakePod({ name: 'p', image: 'web:2', containerReady: false })));
  const noStatus = fakePod({ name: 'p' });
  noStatus.status!.containerStatuses = [];
  assert.ok(!containersReadyOnSpec(noStatus));
});

test('available means Ready, gate True, not draining, not deleting', () => {
  assert.ok(isAvailable(fakePod({ name: 'p', gate: 'True' })));
  assert.ok(!isAvailable(fakePod({ name: 'p' })), 'gate never set');
  assert.ok(!isAvailable(fakePod({ name: 'p', gate: 'True', ready: false })));
  assert.ok(!isAvailable(fakePod({ name: 'p', gate: 'False' })));
  assert.ok(!isAvailable(fakePod({ name: 'p', gate: 'True', drainStarted: '2024-01-01T00:00:00.000Z' })), 'drained, kubelet not caught up yet');
  assert.ok(!isAvailable(fakePod({ name: 'p', gate: 'True', deleting: true })));
});

test('the drain timer comes from the annotation', () => {
  const p = fakePod({ name: 'p', gate: 'False', drainStarted: '2024-01-01T00:00:01.500Z' });
  assert.equal(drainStartedAt(p), Date.parse('2024-01-01T00:00:01.500Z'));
  assert.ok(isDraining(p));
  assert.equal(drainStartedAt(fakePod({ name: 'p', drainStarted: 'garbage' })), undefined);
  assert.equal(drainStartedAt(fakePod({ name: 'p' })), undefined);
});

test('readyOnceAdmitted: only when the kubelet already agrees the containers are ready and no other gate holds the pod back', () => {
  const drained = (): ReturnType<typeof fakePod> => {
    const p = fakePod({ name: 'p', image: 'web:2', gate: 'False', ready: false });
    p.status!.conditions!.push({ type: 'ContainersReady', status: 'True' });
    p.spec!.readinessGates = [{ conditionType: KEYS.gate }];
    return p;
  };
  assert.ok(readyOnceAdmitted(drained()));
  const oldImage = drained();
  oldImage.status!.containerStatuses![0]!.image = 'web:1';
  assert.ok(!readyOnceAdmitted(oldImage), 'the restart has not shown yet');
  const kubeletDisagrees = drained();
  kubeletDisagrees.status!.conditions!.find((c) => c.type === 'ContainersReady')!.status = 'False';
  assert.ok(!readyOnceAdmitted(kubeletDisagrees), 'ContainersReady False');
  const noCr = drained();
  noCr.status!.conditions = noCr.status!.conditions!.filter((c) => c.type !== 'ContainersReady');
  assert.ok(!readyOnceAdmitted(noCr), 'ContainersReady missing');
  const otherGate = drained();
  otherGate.spec!.readinessGates!.push({ conditionType: 'lb.example/registered' });
  assert.ok(!readyOnceAdmitted(otherGate), 'another gate without a condition');
  otherGate.status!.conditions!.push({ type: 'lb.example/registered', status: 'True' });
  assert.ok(readyOnceAdmitted(otherGate), 'another gate True');
  assert.ok(!readyOnceAdmitted(fakePod({ name: 'p', image: 'web:2', gate: 'True' })), 'already Ready');
});
