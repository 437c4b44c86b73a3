import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKubeYamlAll } from '../../../src/kube/yaml.js';
import { configMapAt, deploymentHealthyAt, imageFor, workloadFiles, type DeploymentLike } from './workload.js';
import { percentile, summarize } from '../../lib/stats.js';

test('revision n changes the ConfigMap value and the Deployment image, nothing else', () => {
  const a = workloadFiles(1);
  const b = workloadFiles(2);
  assert.deepEqual(Object.keys(a), Object.keys(b));
  const objects = Object.values(b).flatMap((text) => parseKubeYamlAll(text)) as { kind: string; data?: Record<string, string>; spec?: DeploymentLike['spec'] }[];
  assert.deepEqual(objects.map((o) => o.kind).sort(), ['ConfigMap', 'Deployment', 'Namespace']);
  assert.equal(objects.find((o) => o.kind === 'ConfigMap')?.data?.['revision'], '2');
  assert.equal(objects.find((o) => o.kind === 'Deployment')?.spec?.template?.spec?.containers?.[0]?.image, imageFor(2));
  const changed = Object.keys(a).filter((k) => a[k] !== b[k]).sort();
  assert.deepEqual(changed, ['apps/web/configmap.yaml', 'apps/web/deployment.yaml']);
});

test('a member is done only with the new ConfigMap value and a finished rollout of the new image', () => {
  assert.equal(configMapAt({ data: { revision: '3' } }, 3), true);
  assert.equal(configMapAt({ data: { revision: '2' } }, 3), false);
  assert.equal(configMapAt(undefined, 3), false);
  const dep = (image: string, status: NonNullable<DeploymentLike['status']>, generation = 4): DeploymentLike => ({
    metadata: { generation },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image }] } } },
    status,
  });
  const done = { observedGeneration: 4, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 };
  assert.equal(deploymentHealthyAt(dep(imageFor(3), done), 3), true);
  assert.equal(deploymentHealthyAt(dep(imageFor(2), done), 3), false, 'old image');
  assert.equal(deploymentHealthyAt(dep(imageFor(3), { ...done, observedGeneration: 3 }), 3), false, 'generation not observed');
  assert.equal(deploymentHealthyAt(dep(imageFor(3), { ...done, updatedReplicas: 1 }), 3), false, 'rollout under way');
  assert.equal(deploymentHealthyAt(dep(imageFor(3), { ...done, replicas: 3 }), 3), false, 'an old replica left');
  assert.equal(deploymentHealthyAt(dep(imageFor(3), { ...done, availableReplicas: 1 }), 3), false, 'not available');
});

test('nearest-rank percentiles', () => {
  const xs = [5, 1, 4, 2, 3];
  assert.equal(percentile(xs, 50), 3);
  assert.equal(percentile(xs, 99), 5);
  assert.equal(percentile(xs, 20), 1);
  assert.ok(Number.isNaN(percentile([], 50)));
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(hundred, 99), 99);
  assert.deepEqual(summarize([2, 4]), { count: 2, p50: 2, p95: 4, p99: 4, max: 4, mean: 3 });
  assert.equal(percentile(hundred, 95), 95);
});
