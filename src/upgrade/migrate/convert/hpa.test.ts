import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from './index.js';

test('HPA autoscaling/v2beta1: every metric type gets a v2 target', () => {
  const r = convertObject(
    {
      apiVersion: 'autoscaling/v2beta1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', targetAverageUtilization: 70 } },
          { type: 'Resource', resource: { name: 'memory', targetAverageValue: '500Mi' } },
          { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', targetAverageUtilization: 60 } },
          { type: 'Pods', pods: { metricName: 'packets-per-second', targetAverageValue: '1k', selector: { matchLabels: { verb: 'GET' } } } },
          {
            type: 'Object',
            object: { target: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main-route' }, metricName: 'requests-per-second', targetValue: '10k' },
          },
          { type: 'Object', object: { target: { kind: 'Service', name: 'api' }, metricName: 'rps', targetValue: '1', averageValue: '100' } },
          { type: 'External', external: { metricName: 'queue_messages_ready', metricSelector: { matchLabels: { queue: 'worker_tasks' } }, targetAverageValue: '30' } },
          { type: 'External', external: { metricName: 'lag', targetValue: '100' } },
        ],
      },
      status: { currentReplicas: 2, desiredReplicas: 2, currentMetrics: [] },
    },
    34,
  );
  assert.equal(r.to, 'autoscaling/v2');
  assert.equal(r.object?.status, undefined);
  assert.deepEqual((r.object?.spec as { metrics: unknown[] }).metrics, [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
    { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
    { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization', averageUtilization: 60 } } },
    { type: 'Pods', pods: { metric: { name: 'packets-per-second', selector: { matchLabels: { verb: 'GET' } } }, target: { type: 'AverageValue', averageValue: '1k' } } },
    {
      type: 'Object',
      object: {
        describedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'main-route' },
        metric: { name: 'requests-per-second' },
        target: { type: 'Value', value: '10k' },
      },
    },
    { type: 'Object', object: { describedObject: { kind: 'Service', name: 'api' }, metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '100' } } },
    { type: 'External', external: { metric: { name: 'queue_messages_ready', selector: { matchLabels: { queue: 'worker_tasks' } } }, target: { type: 'AverageValue', averageValue: '30' } } },
    { type: 'External', external: { metric: { name: 'lag' }, target: { type: 'Value', value: '100' } } },
  ]);
  assert.deepEqual(r.warnings, []);
});

test('HPA autoscaling/v2beta2 has the v2 shape: only the apiVersion changes (behavior kept)', () => {
  const spec = {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    maxReplicas: 5,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
  };
  const r = convertObject({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec }, 26);
  assert.equal(r.to, 'autoscaling/v2');
  assert.deepEqual(r.object?.spec, spec);
});

test('a v2beta1 metric without a target value is reported', () => {
  const r = convertObject(
    { apiVersion: 'autoscaling/v2beta1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { maxReplicas: 2, metrics: [{ type: 'Resource', resource: { name: 'cpu' } }] } },
    34,
  );
  assert.match(r.warnings.join('\n'), /spec\.metrics\[0\] \(Resource\) has no target value/);
});
