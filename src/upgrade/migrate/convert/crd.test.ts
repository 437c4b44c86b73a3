import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from './index.js';

const names = { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] };

test('CRD v1beta1 with validation, printer columns, subresources and a conversion webhook', () => {
  const r = convertObject(
    {
      apiVersion: 'apiextensions.k8s.io/v1beta1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'crontabs.stable.example.com' },
      spec: {
        group: 'stable.example.com',
        versions: [
          { name: 'v1', served: true, storage: true },
          { name: 'v1beta1', served: true, storage: false },
        ],
        scope: 'Namespaced',
        names,
        preserveUnknownFields: false,
        validation: {
          openAPIV3Schema: {
            properties: {
              spec: { properties: { cronSpec: { type: 'string' }, replicas: { type: 'integer', minimum: 1 }, tags: { items: { type: 'string' }, uniqueItems: true } } },
            },
          },
        },
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
        additionalPrinterColumns: [{ name: 'Spec', type: 'string', JSONPath: '.spec.cronSpec' }, { name: 'Replicas', type: 'integer', JSONPath: '.spec.replicas', priority: 1 }],
        conversion: { strategy: 'Webhook', webhookClientConfig: { service: { namespace: 'crons', name: 'conv', path: '/convert' }, caBundle: 'Cg==' } },
      },
      status: { storedVersions: ['v1'] },
    },
    34,
  );
  assert.equal(r.to, 'apiextensions.k8s.io/v1');
  assert.equal(r.object?.status, undefined);
  const spec = r.object?.spec as Record<string, unknown>;
  assert.deepEqual(Object.keys(spec), ['group', 'versions', 'scope', 'names', 'conversion']);
  const schema = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { cronSpec: { type: 'string' }, replicas: { type: 'integer', minimum: 1 }, tags: { type: 'array', items: { type: 'string' } } },
      },
    },
  };
  const columns = [{ name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' }, { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas', priority: 1 }];
  const subresources = { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } };
  assert.deepEqual(spec.versions, [
    { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema }, subresources, additionalPrinterColumns: columns },
    { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: schema }, subresources, additionalPrinterColumns: columns },
  ]);
  assert.deepEqual(spec.conversion, {
    strategy: 'Webhook',
    webhook: { clientConfig: { service: { namespace: 'crons', name: 'conv', path: '/convert' }, caBundle: 'Cg==' }, conversionReviewVersions: ['v1beta1'] },
  });
  assert.match(r.warnings.join('\n'), /uniqueItems: true is not allowed/);
});

test('CRD v1beta1 without schema: a minimal structural schema, scope written out, and a warning', () => {
  const r = convertObject(
    { apiVersion: 'apiextensions.k8s.io/v1beta1', kind: 'CustomResourceDefinition', metadata: { name: 'crontabs.stable.example.com' }, spec: { group: 'stable.example.com', version: 'v1', names } },
    22,
  );
  assert.deepEqual(r.object?.spec, {
    group: 'stable.example.com',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
    names,
    scope: 'Namespaced',
  });
  assert.match(r.warnings.join('\n'), /CustomResourceDefinition crontabs\.stable\.example\.com: had no validation schema; a minimal one/);
});

test('CRD v1beta1 preserveUnknownFields (default true) becomes x-kubernetes-preserve-unknown-fields on object nodes; per-version schemas win', () => {
  const r = convertObject(
    {
      apiVersion: 'apiextensions.k8s.io/v1beta1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { plural: 'widgets', kind: 'Widget' },
        scope: 'Cluster',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { metadata: { type: 'object' }, spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
      },
    },
    34,
  );
  const spec = r.object?.spec as { scope: string; versions: { schema: { openAPIV3Schema: unknown } }[] };
  assert.equal(spec.scope, 'Cluster');
  assert.deepEqual(spec.versions[0]?.schema.openAPIV3Schema, {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    properties: { metadata: { type: 'object' }, spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { size: { type: 'integer' } } } },
  });
});
