import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isControllerAccount, objectSkipReason, resourceSkipReason, stripObject } from './rules.js';
import { isReleaseHistory, NODES_RUN_REASON } from './transient.js';

type Obj = Parameters<typeof stripObject>[2];
const obj = (o: Record<string, unknown>): Obj => o;

test('resources the control plane regenerates or that cannot be written are left out', () => {
  assert.match(resourceSkipReason('', 'events', ['list', 'get', 'create', 'patch']) ?? '', /history/);
  assert.match(resourceSkipReason('coordination.k8s.io', 'leases', ['list', 'get', 'create']) ?? '', /renewed/);
  assert.match(resourceSkipReason('discovery.k8s.io', 'endpointslices', ['list', 'get', 'create']) ?? '', /EndpointSlice/);
  assert.match(resourceSkipReason('authorization.k8s.io', 'subjectaccessreviews', ['create']) ?? '', /listable/);
  assert.match(resourceSkipReason('extensions', 'ingresses', ['list', 'get', 'create']) ?? '', /newer group/);
  assert.equal(resourceSkipReason('rbac.authorization.k8s.io', 'roles', ['list', 'get', 'create', 'patch']), undefined);
  assert.equal(resourceSkipReason('apps', 'deployments', ['list', 'get', 'create', 'patch']), undefined);
  assert.equal(resourceSkipReason('example.com', 'widgets', ['list', 'get', 'create', 'patch']), undefined);
});

test('objects a control plane recreates are left out with the reason', () => {
  const owned = { controller: true, kind: 'Deployment', name: 'web', apiVersion: 'apps/v1', uid: 'u' };
  assert.match(objectSkipReason('apps', 'ReplicaSet', obj({ metadata: { name: 'web-1', ownerReferences: [owned] } })) ?? '', /owned by Deployment/);
  assert.equal(objectSkipReason('apps', 'ReplicaSet', obj({ metadata: { name: 'bare' } })), undefined);
  assert.equal(objectSkipReason('', 'PersistentVolumeClaim', obj({ metadata: { name: 'data-db-0', ownerReferences: [{ ...owned, kind: 'StatefulSet' }] } })), undefined, 'claims of a StatefulSet hold data');
  assert.match(objectSkipReason('', 'Secret', obj({ metadata: { name: 'default-token-abcde' }, type: 'kubernetes.io/service-account-token' })) ?? '', /token/);
  assert.equal(objectSkipReason('', 'Secret', obj({ metadata: { name: 'x' }, type: 'Opaque' })), undefined);
  assert.ok(objectSkipReason('', 'ConfigMap', obj({ metadata: { name: 'kube-root-ca.crt', namespace: 'shop' } })));
  assert.equal(objectSkipReason('', 'ConfigMap', obj({ metadata: { name: 'cluster-info', namespace: 'shop' } })), undefined);
  assert.ok(objectSkipReason('', 'Service', obj({ metadata: { name: 'kubernetes', namespace: 'default' } })));
  assert.ok(objectSkipReason('', 'Namespace', obj({ metadata: { name: 'kube-system' } })));
  assert.ok(objectSkipReason('rbac.authorization.k8s.io', 'ClusterRole', obj({ metadata: { name: 'admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } } })));
  assert.ok(objectSkipReason('scheduling.k8s.io', 'PriorityClass', obj({ metadata: { name: 'system-node-critical' } })));
  assert.ok(objectSkipReason('flowcontrol.apiserver.k8s.io', 'FlowSchema', obj({ metadata: { name: 'global-default', annotations: { 'apf.kubernetes.io/autoupdate-spec': 'true' } } })));
  assert.ok(objectSkipReason('apiregistration.k8s.io', 'APIService', obj({ metadata: { name: 'v1.apps' }, spec: { group: 'apps' } })));
  assert.equal(objectSkipReason('apiregistration.k8s.io', 'APIService', obj({ metadata: { name: 'v1beta1.metrics.k8s.io' }, spec: { service: { name: 'm', namespace: 'kube-system' } } })), undefined);
  assert.ok(objectSkipReason('batch', 'Job', obj({ metadata: { name: 'j' }, status: { conditions: [{ type: 'Complete', status: 'True' }] } })));
  assert.ok(objectSkipReason('', 'Pod', obj({ metadata: { name: 'p', deletionTimestamp: '2020-01-01T00:00:00Z' } })));
  // Endpoints: only those of services without a selector (hand-written).
  assert.ok(objectSkipReason('', 'Endpoints', obj({ metadata: { name: 'web', namespace: 'a' } }), { selectorlessServices: new Set(['a/ext']) }));
  assert.equal(objectSkipReason('', 'Endpoints', obj({ metadata: { name: 'ext', namespace: 'a' } }), { selectorlessServices: new Set(['a/ext']) }), undefined);
  assert.ok(isControllerAccount('replicaset-controller'));
  assert.ok(isControllerAccount('generic-garbage-collector'));
  assert.equal(isControllerAccount('web'), false);
});

test('stripObject removes generated fields and keeps the rest', () => {
  const src = obj({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'web', namespace: 'a', uid: 'u', resourceVersion: '5', creationTimestamp: 't', generation: 2, managedFields: [{}], selfLink: '/x',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      ownerReferences: [{ apiVersion: 'x/v1', kind: 'Owner', name: 'o', uid: 'old' }],
    },
    spec: { clusterIP: '10.0.0.5', clusterIPs: ['10.0.0.5'], ports: [{ port: 80 }] },
    status: { loadBalancer: {} },
  });
  const out = stripObject('', 'Service', src, { includeStatus: false });
  assert.deepEqual(out, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'a', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, ownerReferences: [{ apiVersion: 'x/v1', kind: 'Owner', name: 'o' }] },
    spec: { ports: [{ port: 80 }] },
  });
  assert.equal((src.metadata as { uid?: string }).uid, 'u', 'input untouched');
  const headless = stripObject('', 'Service', obj({ metadata: { name: 'h' }, spec: { clusterIP: 'None', clusterIPs: ['None'] }, status: { x: 1 } }), { includeStatus: true });
  assert.equal((headless.spec as { clusterIP: string }).clusterIP, 'None');
  assert.deepEqual(headless.status, { x: 1 });
  const pvc = stripObject('', 'PersistentVolumeClaim', obj({ metadata: { name: 'c', annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'volume.kubernetes.io/storage-provisioner': 'x', keep: 'me' } }, spec: { volumeName: 'pv1' } }), { includeStatus: false });
  assert.deepEqual(pvc.metadata?.annotations, { keep: 'me' });
  assert.equal((pvc.spec as { volumeName: string }).volumeName, 'pv1');
  const pv = stripObject('', 'PersistentVolume', obj({ metadata: { name: 'pv1' }, spec: { claimRef: { name: 'c', namespace: 'a', uid: 'u', resourceVersion: '1' } } }), { includeStatus: false });
  assert.deepEqual((pv.spec as { claimRef: unknown }).claimRef, { name: 'c', namespace: 'a' });
  const job = stripObject('batch', 'Job', obj({ metadata: { name: 'j', labels: { 'controller-uid': 'u', 'job-name': 'j' } }, spec: { selector: { matchLabels: { 'controller-uid': 'u' } }, template: { metadata: { creationTimestamp: null, labels: { 'controller-uid': 'u', 'job-name': 'j', app: 'x' } } } } }), { includeStatus: false });
  assert.deepEqual(job.spec, { template: { metadata: { labels: { app: 'x' } } } });
  assert.equal(job.metadata?.labels, undefined);
  const sa = stripObject('', 'ServiceAccount', obj({ metadata: { name: 'web' }, secrets: [{ name: 'web-token-x7k2q' }, { name: 'mine' }] }), { includeStatus: false });
  assert.deepEqual(sa.secrets, [{ name: 'mine' }]);
  const agg = stripObject('rbac.authorization.k8s.io', 'ClusterRole', obj({ metadata: { name: 'r' }, aggregationRule: { clusterRoleSelectors: [] }, rules: [{ verbs: ['get'] }] }), { includeStatus: false });
  assert.equal(agg.rules, undefined);
  const pod = stripObject('', 'Pod', obj({ metadata: { name: 'p' }, spec: { nodeName: 'n1', containers: [] } }), { includeStatus: false });
  assert.deepEqual(pod.spec, { containers: [] });
});

test("Plinth's transient state: a node-upgrade run's ConfigMaps are left out; ReleaseOrders are history (ADR 0016)", () => {
  const run = obj({ metadata: { name: 'plinth-upgrade-nodes-r1', namespace: 'plinth-system', labels: { 'upgrade.plinth.dev/nodes-run': 'r1' } } });
  assert.equal(objectSkipReason('', 'ConfigMap', run), NODES_RUN_REASON);
  assert.equal(objectSkipReason('', 'ConfigMap', obj({ metadata: { name: 'plinth-upgrade-nodes-notes', namespace: 'plinth-system' } })), undefined, 'by the label, not the name');
  assert.equal(isReleaseHistory('apps.plinth.dev/v1alpha1', 'ReleaseOrder'), true);
  assert.equal(isReleaseHistory('apps.plinth.dev/v1alpha1', 'CellDeployment'), false);
  assert.equal(isReleaseHistory('example.com/v1', 'ReleaseOrder'), false, "another group's ReleaseOrder is an ordinary custom resource");
});
