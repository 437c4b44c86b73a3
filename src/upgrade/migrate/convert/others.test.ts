import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertObject } from './index.js';

test('EndpointSlice v1beta1: topology -> nodeName, zone, deprecatedTopology', () => {
  const r = convertObject(
    {
      apiVersion: 'discovery.k8s.io/v1beta1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-abc', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      endpoints: [
        {
          addresses: ['10.1.2.3'],
          conditions: { ready: true },
          topology: { 'kubernetes.io/hostname': 'node-1', 'topology.kubernetes.io/zone': 'zone-a', 'topology.kubernetes.io/region': 'r1' },
        },
        { addresses: ['10.1.2.4'], topology: { 'kubernetes.io/hostname': 'node-2' } },
        { addresses: ['10.1.2.5'] },
      ],
    },
    25,
  );
  assert.equal(r.to, 'discovery.k8s.io/v1');
  assert.deepEqual(r.object?.endpoints, [
    { addresses: ['10.1.2.3'], conditions: { ready: true }, nodeName: 'node-1', zone: 'zone-a', deprecatedTopology: { 'topology.kubernetes.io/region': 'r1' } },
    { addresses: ['10.1.2.4'], nodeName: 'node-2' },
    { addresses: ['10.1.2.5'] },
  ]);
});

test('events.k8s.io/v1beta1 Event: deprecated* fields dropped, odd types reported', () => {
  const r = convertObject(
    {
      apiVersion: 'events.k8s.io/v1beta1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'shop' },
      eventTime: '2024-01-01T00:00:00.000000Z',
      reportingController: 'example.com/ctl',
      reportingInstance: 'ctl-1',
      action: 'Scale',
      reason: 'Scaled',
      regarding: { kind: 'Deployment', namespace: 'shop', name: 'web' },
      type: 'Info',
      deprecatedCount: 3,
      deprecatedSource: { component: 'ctl' },
    },
    34,
  );
  assert.equal(r.to, 'events.k8s.io/v1');
  assert.equal(r.object?.deprecatedCount, undefined);
  assert.equal(r.object?.deprecatedSource, undefined);
  assert.match(r.warnings[0] ?? '', /type "Info" is not allowed/);
});

test('flowcontrol: FlowSchema keeps its fields; a 0 share becomes 30 (its old meaning)', () => {
  const fs = {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2',
    kind: 'FlowSchema',
    metadata: { name: 'batch-jobs' },
    spec: { priorityLevelConfiguration: { name: 'batch' }, matchingPrecedence: 5000, rules: [{ subjects: [{ kind: 'Group', group: { name: 'batch' } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'] }] }] },
  };
  const r = convertObject(fs, 34);
  assert.equal(r.to, 'flowcontrol.apiserver.k8s.io/v1');
  assert.deepEqual(r.object?.spec, fs.spec);
  const plc = convertObject(
    { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'PriorityLevelConfiguration', metadata: { name: 'p' }, spec: { type: 'Limited', limited: { nominalConcurrencyShares: 0, limitResponse: { type: 'Reject' } } } },
    32,
  );
  assert.deepEqual(plc.object?.spec, { type: 'Limited', limited: { nominalConcurrencyShares: 30, limitResponse: { type: 'Reject' } } });
});

test('CertificateSigningRequest v1beta1: usages written out, a missing signer reported, status dropped', () => {
  const r = convertObject(
    { apiVersion: 'certificates.k8s.io/v1beta1', kind: 'CertificateSigningRequest', metadata: { name: 'alice' }, spec: { request: 'LS0t' }, status: { conditions: [{ type: 'Approved' }] } },
    22,
  );
  assert.deepEqual(r.object?.spec, { request: 'LS0t', usages: ['digital signature', 'key encipherment'] });
  assert.equal(r.object?.status, undefined);
  assert.match(r.warnings[0] ?? '', /CertificateSigningRequest alice: certificates\.k8s\.io\/v1 requires a signerName/);
});

test('SubjectAccessReview v1beta1: spec.group is spec.groups in v1', () => {
  const r = convertObject(
    { apiVersion: 'authorization.k8s.io/v1beta1', kind: 'SubjectAccessReview', spec: { user: 'alice', group: ['dev'], resourceAttributes: { verb: 'get', resource: 'pods' } } },
    22,
  );
  assert.deepEqual(r.object, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user: 'alice', groups: ['dev'], resourceAttributes: { verb: 'get', resource: 'pods' } },
  });
});

test('plain moves: RBAC, PriorityClass, storage, Lease, IngressClass, RuntimeClass, CronJob, NetworkPolicy, APIService', () => {
  const cases: [Record<string, unknown>, number, string][] = [
    [{ apiVersion: 'rbac.authorization.k8s.io/v1beta1', kind: 'ClusterRole', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] }, 22, 'rbac.authorization.k8s.io/v1'],
    [{ apiVersion: 'scheduling.k8s.io/v1beta1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000, globalDefault: false }, 22, 'scheduling.k8s.io/v1'],
    [{ apiVersion: 'storage.k8s.io/v1beta1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'example.com/ssd' }, 22, 'storage.k8s.io/v1'],
    [{ apiVersion: 'storage.k8s.io/v1beta1', kind: 'CSIStorageCapacity', metadata: { name: 'c', namespace: 'n' }, storageClassName: 'fast' }, 27, 'storage.k8s.io/v1'],
    [{ apiVersion: 'coordination.k8s.io/v1beta1', kind: 'Lease', metadata: { name: 'l', namespace: 'n' }, spec: { holderIdentity: 'a' } }, 22, 'coordination.k8s.io/v1'],
    [{ apiVersion: 'networking.k8s.io/v1beta1', kind: 'IngressClass', metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } }, 22, 'networking.k8s.io/v1'],
    [{ apiVersion: 'node.k8s.io/v1beta1', kind: 'RuntimeClass', metadata: { name: 'gvisor' }, handler: 'runsc' }, 25, 'node.k8s.io/v1'],
    [{ apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: {} } } }, 25, 'batch/v1'],
    [{ apiVersion: 'extensions/v1beta1', kind: 'NetworkPolicy', metadata: { name: 'deny' }, spec: { podSelector: {} } }, 16, 'networking.k8s.io/v1'],
    [{ apiVersion: 'apiregistration.k8s.io/v1beta1', kind: 'APIService', metadata: { name: 'v1.example.com' }, spec: { group: 'example.com', version: 'v1' } }, 22, 'apiregistration.k8s.io/v1'],
  ];
  for (const [o, minor, to] of cases) {
    const r = convertObject(o, minor);
    const { apiVersion: _a, ...rest } = o;
    const { apiVersion, ...got } = r.object ?? {};
    assert.equal(apiVersion, to, String(o.kind));
    assert.deepEqual(got, rest);
    assert.deepEqual(Object.keys(r.object ?? {}), Object.keys(o), 'key order kept');
    assert.equal(convertObject(o, minor - 1).object, o, `${String(o.kind)} is still served at 1.${minor - 1}`);
  }
});
