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

test('CRD schema junctors: anyOf integer|string is int-or-string, typed branches of a typed node lose their types, an untyped oneOf keeps any value', () => {
  const r = convertObject(
    {
      apiVersion: 'apiextensions.k8s.io/v1beta1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        version: 'v1',
        preserveUnknownFields: false,
        names: { plural: 'gadgets', kind: 'Gadget' },
        validation: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              port: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
              size: { oneOf: [{ type: 'integer' }, { type: 'object' }] },
              mode: { type: 'string', anyOf: [{ type: 'string', enum: ['fast'], description: 'quick' }, { type: 'string', pattern: '^slow-' }] },
            },
          },
        },
      },
    },
    34,
  );
  const props = (r.object?.spec as { versions: { schema: { openAPIV3Schema: { properties: Record<string, unknown> } } }[] }).versions[0]?.schema.openAPIV3Schema.properties;
  assert.deepEqual(props, {
    port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
    size: { 'x-kubernetes-preserve-unknown-fields': true },
    mode: { type: 'string', anyOf: [{ enum: ['fast'] }, { pattern: '^slow-' }] },
  });
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0] ?? '', /properties\.size chose its type in oneOf/);
});
