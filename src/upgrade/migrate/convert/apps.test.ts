import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from './index.js';

const template = { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.25' }] } };

test('extensions/v1beta1 Deployment: selector from template labels, rollbackTo dropped, old defaults written out', () => {
  const r = convertObject(
    { apiVersion: 'extensions/v1beta1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 3, rollbackTo: { revision: 2 }, template } },
    34,
  );
  assert.equal(r.to, 'apps/v1');
  const spec = r.object?.spec as Record<string, unknown>;
  assert.deepEqual(Object.keys(spec), ['replicas', 'selector', 'template', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'strategy']);
  assert.deepEqual(spec.selector, { matchLabels: { app: 'web', tier: 'front' } });
  assert.equal(spec.revisionHistoryLimit, 2147483647);
  assert.equal(spec.progressDeadlineSeconds, 2147483647);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } });
  assert.match(r.warnings.join('\n'), /Deployment shop\/web: spec\.rollbackTo was dropped; use `kubectl rollout undo`/);
});

test('a Recreate strategy and explicit values are kept as they are', () => {
  const r = convertObject(
    {
      apiVersion: 'extensions/v1beta1',
      kind: 'Deployment',
      metadata: { name: 'db' },
      spec: { selector: { matchLabels: { app: 'web' } }, revisionHistoryLimit: 5, progressDeadlineSeconds: 120, strategy: { type: 'Recreate' }, template },
    },
    20,
  );
  const spec = r.object?.spec as Record<string, unknown>;
  assert.deepEqual(spec.selector, { matchLabels: { app: 'web' } });
  assert.equal(spec.revisionHistoryLimit, 5);
  assert.equal(spec.progressDeadlineSeconds, 120);
  assert.deepEqual(spec.strategy, { type: 'Recreate' });
});

test('apps/v1beta1 Deployment keeps its revisionHistoryLimit of 2; apps/v1beta2 needs only the selector', () => {
  const b1 = convertObject({ apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'a' }, spec: { template } }, 16);
  assert.equal((b1.object?.spec as Record<string, unknown>).revisionHistoryLimit, 2);
  const b2 = convertObject({ apiVersion: 'apps/v1beta2', kind: 'Deployment', metadata: { name: 'a' }, spec: { template } }, 16);
  assert.deepEqual(b2.object?.spec, { selector: { matchLabels: { app: 'web', tier: 'front' } }, template });
});

test('DaemonSet extensions/v1beta1 and StatefulSet apps/v1beta1 keep OnDelete updates; templateGeneration goes', () => {
  const ds = convertObject({ apiVersion: 'extensions/v1beta1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { templateGeneration: 4, template } }, 34);
  assert.deepEqual(ds.object?.spec, { selector: { matchLabels: { app: 'web', tier: 'front' } }, template, updateStrategy: { type: 'OnDelete' } });
  const ss = convertObject({ apiVersion: 'apps/v1beta1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { serviceName: 'db', replicas: 1, template } }, 34);
  const spec = ss.object?.spec as Record<string, unknown>;
  assert.deepEqual(spec.updateStrategy, { type: 'OnDelete' });
  assert.deepEqual(spec.selector, { matchLabels: { app: 'web', tier: 'front' } });
  const ss2 = convertObject({ apiVersion: 'apps/v1beta2', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { serviceName: 'db', template } }, 34);
  assert.equal((ss2.object?.spec as Record<string, unknown>).updateStrategy, undefined);
});

test('a workload with neither selector nor template labels is converted with a warning saying what to add', () => {
  const r = convertObject({ apiVersion: 'apps/v1beta2', kind: 'ReplicaSet', metadata: { name: 'rs', namespace: 'n' }, spec: { template: { spec: {} } } }, 34);
  assert.equal(r.object?.apiVersion, 'apps/v1');
  assert.match(r.warnings[0] ?? '', /ReplicaSet n\/rs: no spec\.selector and no template labels/);
});
