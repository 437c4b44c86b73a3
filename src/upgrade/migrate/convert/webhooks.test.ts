import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from './index.js';

const rules = [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }];
const clientConfig = { service: { namespace: 'policy', name: 'webhook', path: '/validate' }, caBundle: 'Cg==' };

test('webhooks v1beta1 -> v1: the old defaults are written out so behaviour does not change', () => {
  const r = convertObject(
    {
      apiVersion: 'admissionregistration.k8s.io/v1beta1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'pod-policy' },
      webhooks: [
        { name: 'pods.policy.example.com', clientConfig, rules, sideEffects: 'None' },
        { name: 'strict.policy.example.com', clientConfig, rules, sideEffects: 'NoneOnDryRun', failurePolicy: 'Fail', timeoutSeconds: 5, admissionReviewVersions: ['v1', 'v1beta1'] },
      ],
    },
    34,
  );
  assert.equal(r.to, 'admissionregistration.k8s.io/v1');
  assert.deepEqual(r.object?.webhooks, [
    { name: 'pods.policy.example.com', clientConfig, rules, sideEffects: 'None', failurePolicy: 'Ignore', matchPolicy: 'Exact', timeoutSeconds: 30, admissionReviewVersions: ['v1beta1'] },
    {
      name: 'strict.policy.example.com',
      clientConfig,
      rules,
      sideEffects: 'NoneOnDryRun',
      failurePolicy: 'Fail',
      timeoutSeconds: 5,
      admissionReviewVersions: ['v1', 'v1beta1'],
      matchPolicy: 'Exact',
    },
  ]);
  assert.deepEqual(r.warnings, []);
});

test('sideEffects Unknown, Some or unset is reported (only the author knows if None is true)', () => {
  const r = convertObject(
    {
      apiVersion: 'admissionregistration.k8s.io/v1beta1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'inject' },
      webhooks: [
        { name: 'a.example.com', clientConfig, rules, sideEffects: 'Unknown' },
        { name: 'b.example.com', clientConfig, rules, sideEffects: 'Some' },
        { name: 'c.example.com', clientConfig, rules },
        { name: 'c.example.com', clientConfig, rules, sideEffects: 'None' },
      ],
    },
    22,
  );
  const w = r.warnings.join('\n');
  assert.match(w, /MutatingWebhookConfiguration inject: webhook a\.example\.com has sideEffects "Unknown"; .*only allows None or NoneOnDryRun/);
  assert.match(w, /webhook b\.example\.com has sideEffects "Some"/);
  assert.match(w, /webhook c\.example\.com has sideEffects unset \(v1beta1: Unknown\)/);
  assert.match(w, /webhook name c\.example\.com is used twice/);
  assert.equal((r.object?.webhooks as { sideEffects?: string }[])[0]?.sideEffects, 'Unknown');
});
