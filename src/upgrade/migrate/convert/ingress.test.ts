import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from './index.js';

test('Ingress extensions/v1beta1: defaultBackend, service.name/port.number|name, pathType, order kept', () => {
  const r = convertObject(
    {
      apiVersion: 'extensions/v1beta1',
      kind: 'Ingress',
      metadata: { name: 'shop', namespace: 'web', annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
      spec: {
        backend: { serviceName: 'fallback', servicePort: 8080 },
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
        rules: [
          {
            host: 'shop.example.com',
            http: {
              paths: [
                { path: '/api', backend: { serviceName: 'api', servicePort: 'http' } },
                { path: '/static', pathType: 'Prefix', backend: { serviceName: 'static', servicePort: '80' } },
                { backend: { serviceName: 'root', servicePort: 80 } },
              ],
            },
          },
        ],
      },
    },
    34,
  );
  assert.equal(r.to, 'networking.k8s.io/v1');
  assert.deepEqual(r.object?.spec, {
    defaultBackend: { service: { name: 'fallback', port: { number: 8080 } } },
    tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
    rules: [
      {
        host: 'shop.example.com',
        http: {
          paths: [
            { path: '/api', pathType: 'ImplementationSpecific', backend: { service: { name: 'api', port: { name: 'http' } } } },
            { path: '/static', pathType: 'Prefix', backend: { service: { name: 'static', port: { number: 80 } } } },
            { pathType: 'ImplementationSpecific', backend: { service: { name: 'root', port: { number: 80 } } } },
          ],
        },
      },
    ],
  });
  assert.deepEqual(Object.keys(r.object?.spec as object), ['defaultBackend', 'tls', 'rules']);
  assert.deepEqual(Object.keys(((r.object?.spec as { rules: { http: { paths: object[] } }[] }).rules[0]?.http.paths[0]) ?? {}), ['path', 'pathType', 'backend']);
});

test('Ingress networking.k8s.io/v1beta1: resource backends keep their shape; still served before 1.22', () => {
  const ing = {
    apiVersion: 'networking.k8s.io/v1beta1',
    kind: 'Ingress',
    metadata: { name: 'bucket' },
    spec: { ingressClassName: 'nginx', backend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } } },
  };
  assert.equal(convertObject(ing, 21).object, ing);
  const r = convertObject(ing, 22);
  assert.deepEqual(r.object?.spec, { ingressClassName: 'nginx', defaultBackend: { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } } });
});

test('a backend without servicePort is converted with a warning', () => {
  const r = convertObject({ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'i', namespace: 'n' }, spec: { backend: { serviceName: 's' } } }, 34);
  assert.deepEqual(r.object?.spec, { defaultBackend: { service: { name: 's' } } });
  assert.match(r.warnings[0] ?? '', /Ingress n\/i: spec\.backend has no servicePort/);
});
