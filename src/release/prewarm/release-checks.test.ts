import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import type { CellDeployment, ImagePrewarm, ReleaseOrder } from '../../api/index.js';
import { batchNodes, batchPrewarm, batchPrewarmName, templateImages, waitLeftMs } from './release-checks.js';

const cd = {
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    template: { spec: { containers: [{ name: 'a', image: 'r/web:2' }, { name: 'b', image: 'r/proxy:1' }], initContainers: [{ name: 'i', image: 'r/web:2' }] } },
    strategy: { prewarm: { enabled: true, parallelism: 3, timeoutSeconds: 45 } },
  },
} as unknown as CellDeployment;
const order = {
  metadata: { name: 'web-abc', namespace: 'shop', uid: 'o-1' },
  status: { batches: [{ index: 0, pods: ['p1', 'p2'] }, { index: 1, pods: ['p3', 'p4'] }] },
} as unknown as ReleaseOrder;
const pod = (name: string, node?: string): V1Pod => ({ metadata: { name }, spec: { containers: [], ...(node ? { nodeName: node } : {}) } });
const pods = [pod('p1', 'n2'), pod('p2', 'n1'), pod('p3', 'n1'), pod('p4'), pod('other', 'n9')];

test('templateImages: containers and init containers, once each, sorted', () => {
  assert.deepEqual(templateImages(cd), ['r/proxy:1', 'r/web:2']);
});

test("batchNodes: the nodes of the batch's scheduled pods, sorted, once each", () => {
  assert.deepEqual(batchNodes({ order, pods }, 0), ['n1', 'n2']);
  assert.deepEqual(batchNodes({ order, pods }, 1), ['n1']);
  assert.deepEqual(batchNodes({ order, pods }, 2), []);
});

test("batchPrewarm: the new images over the batch's nodes by hostname, owned by the order, the strategy's knobs", () => {
  const pw = batchPrewarm(order, cd, 1, ['n1', 'n3']);
  assert.equal(pw.metadata.name, batchPrewarmName('web-abc', 1));
  assert.equal(pw.metadata.name, 'web-abc-prewarm-1');
  assert.equal(pw.metadata.namespace, 'shop');
  assert.deepEqual(pw.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]), [['ReleaseOrder', 'web-abc', 'o-1', true]]);
  assert.deepEqual(pw.spec.images, ['r/proxy:1', 'r/web:2']);
  assert.deepEqual(pw.spec.nodeSelector, { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1', 'n3'] }] });
  assert.deepEqual([pw.spec.parallelism, pw.spec.timeoutSeconds], [3, 45]);
});

test('waitLeftMs: from the pre-warm’s creation, never beyond the timeout', () => {
  const pw = { metadata: { creationTimestamp: '2026-12-07T12:00:00Z' } } as unknown as ImagePrewarm;
  assert.equal(waitLeftMs(pw, 60, new Date('2026-12-07T12:00:20Z')), 40_000);
  assert.equal(waitLeftMs(pw, 60, new Date('2026-12-07T12:01:05Z')), -5_000);
});
