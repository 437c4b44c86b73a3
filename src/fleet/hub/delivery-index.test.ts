import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderForCaller, slimDelivery, type DeliveryRef } from './delivery-index.js';

const d = (namespace: string, name: string): DeliveryRef => ({ metadata: { namespace, name }, spec: { artifact: { digest: 'sha256:x' } } });

test("the caller's own member namespace is asked about first, then the rest in a stable order", () => {
  const all = [d('plinth-member-b', 'x'), d('plinth-member-a', 'y'), d('plinth-member-a', 'x'), d('apps', 'z')];
  const names = (l: DeliveryRef[]): string[] => l.map((x) => `${x.metadata.namespace}/${x.metadata.name}`);
  assert.deepEqual(names(orderForCaller(all, 'plinth:member:b')), ['plinth-member-b/x', 'apps/z', 'plinth-member-a/x', 'plinth-member-a/y']);
  assert.deepEqual(names(orderForCaller(all, 'system:serviceaccount:plinth-member-a:agent')), ['apps/z', 'plinth-member-a/x', 'plinth-member-a/y', 'plinth-member-b/x']);
  assert.equal(all[0]!.metadata.namespace, 'plinth-member-b', 'the input is not reordered');
});

test('the index keeps names and the digest only', () => {
  const full = {
    apiVersion: 'fleet.plinth.dev/v1alpha1',
    kind: 'ClusterDelivery',
    metadata: { name: 'apps.web', namespace: 'plinth-member-a', resourceVersion: '7', labels: { a: 'b' }, annotations: { big: 'x'.repeat(1000) } },
    spec: { revision: 'c0ffee', sequence: 3, artifact: { digest: 'sha256:abc', url: 'https://hub/artifacts/sha256:abc' }, overrides: [{ replicas: 2 }] },
    status: { appliedRevision: 'c0ffee' },
  };
  assert.deepEqual(slimDelivery(full), {
    apiVersion: 'fleet.plinth.dev/v1alpha1',
    kind: 'ClusterDelivery',
    metadata: { name: 'apps.web', namespace: 'plinth-member-a', resourceVersion: '7' },
    spec: { artifact: { digest: 'sha256:abc' } },
  });
  assert.deepEqual(slimDelivery({ metadata: { name: 'n', namespace: 'ns' } }).spec, {});
});
