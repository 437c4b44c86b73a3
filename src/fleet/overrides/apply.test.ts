import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../artifact.js';
import { applyOverrides, OverrideError } from './apply.js';

const deploy = (name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'web' },
  spec: {
    replicas: 1,
    template: { spec: { initContainers: [{ name: 'migrate', image: 'm:1' }], containers: [{ name: 'app', image: 'app:1' }, { name: 'side', image: 's:1' }] } },
  },
});
const cron: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'nightly', namespace: 'web' },
  spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:1' }] } } } } },
};
const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'web', labels: { keep: 'yes' } }, data: { a: '1' } };

test('images change containers and init containers by name, in every workload kind', () => {
  const input = [deploy('api'), cron, cm];
  const { objects, unmatched } = applyOverrides(input, [{ images: [{ container: 'app', image: 'app:2' }, { container: 'migrate', image: 'm:2' }] }]);
  const d = objects[0] as unknown as { spec: { template: { spec: { containers: { image: string }[]; initContainers: { image: string }[] } } } };
  assert.equal(d.spec.template.spec.containers[0]!.image, 'app:2');
  assert.equal(d.spec.template.spec.containers[1]!.image, 's:1', 'other containers keep their image');
  assert.equal(d.spec.template.spec.initContainers[0]!.image, 'm:2');
  assert.match(JSON.stringify(objects[1]), /"image":"app:2"/);
  assert.deepEqual(unmatched, []);
  assert.match(JSON.stringify(input[0]), /"image":"app:1"/, 'the input is not modified');
});

test('replicas, labels and annotations; later overrides win', () => {
  const { objects } = applyOverrides([deploy('api'), cm], [{ replicas: 3, labels: { tier: 'edge' } }, { replicas: 5, annotations: { note: 'x' }, labels: { tier: 'hub' } }]);
  assert.equal((objects[0]!.spec as { replicas: number }).replicas, 5);
  assert.equal(objects[1]!.spec, undefined, 'a ConfigMap gets no replicas');
  assert.deepEqual(objects[1]!.metadata.labels, { keep: 'yes', tier: 'hub' });
  assert.deepEqual(objects[0]!.metadata.annotations, { note: 'x' });
});

test('patches apply to the objects their target matches, in order', () => {
  const { objects, unmatched } = applyOverrides(
    [deploy('api'), deploy('worker'), cm],
    [
      {
        patches: [
          { target: { kind: 'Deployment', name: 'worker' }, patch: [{ op: 'add', path: '/spec/paused', value: true }] },
          { target: { kind: 'ConfigMap', namespace: 'web' }, patch: [{ op: 'replace', path: '/data/a', value: '2' }] },
          { target: { kind: 'Service' }, patch: [{ op: 'remove', path: '/spec' }] },
        ],
      },
    ],
  );
  assert.equal((objects[0]!.spec as { paused?: boolean }).paused, undefined);
  assert.equal((objects[1]!.spec as { paused?: boolean }).paused, true);
  assert.deepEqual(objects[2]!.data, { a: '2' });
  assert.deepEqual(unmatched, [{ override: 0, field: 'patches', detail: 'Service' }]);
});

test('a failing patch names the object and the op', () => {
  assert.throws(
    () => applyOverrides([cm], [{}, { patches: [{ target: { kind: 'ConfigMap' }, patch: [{ op: 'test', path: '/data/a', value: '9' }] }] }]),
    (e: unknown) => e instanceof OverrideError && e.override === 1 && /ConfigMap web\/cfg: op 0 \(test \/data\/a\)/.test(e.message),
  );
});

test('overrides that matched nothing are reported', () => {
  const { unmatched } = applyOverrides([cm], [{ images: [{ container: 'app', image: 'x' }], replicas: 2 }]);
  assert.deepEqual(unmatched, [
    { override: 0, field: 'images', detail: 'app' },
    { override: 0, field: 'replicas', detail: 'no Deployment, StatefulSet or CellDeployment' },
  ]);
  assert.deepEqual(applyOverrides([], [{ labels: { a: 'b' } }]).unmatched, [{ override: 0, field: 'labels', detail: 'no objects' }]);
});
