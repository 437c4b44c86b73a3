import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricFindings, parseDeprecatedApiMetric, writerFindings } from './analyse.js';
import { crdFindings, groupResourceServed, rbacFindings, webhookFindings } from './config.js';
import { groupNodeFindings, legacyTokenFinding, nodeFindings } from './nodes.js';
import { decodeHelmRelease, encodeHelmRelease } from '../helm.js';

const LAST = 'kubectl.kubernetes.io/last-applied-configuration';

test('writers: managedFields decide; a last-applied-only old version is info', () => {
  const cron = { metadata: { name: 'c', namespace: 'n', managedFields: [{ manager: 'ci', operation: 'Update', apiVersion: 'batch/v1beta1' }, { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'batch/v1' }] } };
  const fs = writerFindings(cron, 'CronJob', 25);
  assert.deepEqual(fs.map((f) => [f.code, f.severity, f.identity.client]), [['removed-api', 'blocker', 'ci (Update)']]);
  const ing = { metadata: { name: 'i', annotations: { [LAST]: JSON.stringify({ apiVersion: 'extensions/v1beta1', kind: 'Ingress' }) }, managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'networking.k8s.io/v1' }] } };
  assert.deepEqual(writerFindings(ing, 'Ingress', 25).map((f) => [f.code, f.severity]), [['last-applied-only', 'info']]);
  const agree = { metadata: { name: 'i', annotations: { [LAST]: JSON.stringify({ apiVersion: 'extensions/v1beta1' }) }, managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'extensions/v1beta1' }] } };
  const a = writerFindings(agree, 'Ingress', 22);
  assert.deepEqual(a.map((f) => [f.code, f.severity]), [['removed-api', 'blocker']]);
  assert.match(a[0]!.message, /last-applied annotation names it too/);
});

test('the deprecated-API metric is parsed and linked to writers', () => {
  const text = [
    '# HELP apiserver_requested_deprecated_apis [STABLE] Gauge of deprecated APIs that have been requested',
    'apiserver_requested_deprecated_apis{group="batch",removed_release="1.25",resource="cronjobs",subresource="",version="v1beta1"} 1',
    'apiserver_requested_deprecated_apis{group="flowcontrol.apiserver.k8s.io",removed_release="1.29",resource="flowschemas",subresource="status",version="v1beta2"} 1',
    'apiserver_request_total{code="200"} 5',
  ].join('\n');
  const samples = parseDeprecatedApiMetric(text);
  assert.equal(samples.length, 2);
  const fs = metricFindings(samples, 26, new Map([['batch/v1beta1/cronjobs', new Set(['ci'])]]));
  assert.deepEqual(fs.map((f) => [f.subject, f.severity, f.identity.client]), [
    ['batch/v1beta1 cronjobs', 'blocker', 'ci'],
    ['flowcontrol.apiserver.k8s.io/v1beta2 flowschemas/status', 'warning', fs[1]!.identity.client],
  ]);
  assert.match(fs[1]!.identity.client!, /audit log/);
  const unknown = metricFindings(samples.slice(0, 1), 26, new Map());
  assert.equal(unknown[0]!.severity, 'warning', 'no known caller: may be the control plane listing everything');
  assert.match(unknown[0]!.message, /garbage-collector/);
});

test('the control plane\'s own writers (APF bootstrap configuration) are not findings', () => {
  const fsObj = { metadata: { name: 'catch-all', annotations: { 'apf.kubernetes.io/autoupdate-spec': 'true' }, managedFields: [{ manager: 'api-priority-and-fairness-config-producer-v1', operation: 'Update', apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2' }] } };
  assert.deepEqual(writerFindings(fsObj, 'FlowSchema', 30), []);
  const byManager = { metadata: { name: 'x', managedFields: [{ manager: 'api-priority-and-fairness-config-consumer-v1', operation: 'Update', apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2' }] } };
  assert.deepEqual(writerFindings(byManager, 'FlowSchema', 30), []);
});

test('RBAC grants on resources nobody serves at the target; bootstrap roles are skipped', () => {
  assert.equal(groupResourceServed('policy', 'podsecuritypolicies', 25), false);
  assert.equal(groupResourceServed('policy', 'poddisruptionbudgets', 25), true);
  assert.equal(groupResourceServed('extensions', 'ingresses', 22), false);
  assert.equal(groupResourceServed('apps', 'deployments', 30), true);
  assert.equal(groupResourceServed('', 'pods', 30), undefined);
  const role = { metadata: { name: 'psp-user' }, rules: [{ apiGroups: ['policy', 'extensions'], resources: ['podsecuritypolicies'], verbs: ['use'] }] };
  assert.deepEqual(rbacFindings(role, 'ClusterRole', 25).map((f) => f.subject), ['policy/podsecuritypolicies', 'extensions/podsecuritypolicies']);
  assert.deepEqual(rbacFindings(role, 'ClusterRole', 24).map((f) => f.subject), ['extensions/podsecuritypolicies']);
  assert.deepEqual(rbacFindings({ ...role, metadata: { name: 'x', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } } }, 'ClusterRole', 25), []);
});

test('webhooks: Exact rules naming only removed versions block; Equivalent warns', () => {
  const cfg = (matchPolicy: string, apiVersions: string[]): Record<string, unknown> => ({ metadata: { name: 'w' }, webhooks: [{ name: 'a', matchPolicy, rules: [{ apiGroups: ['batch'], apiVersions, resources: ['cronjobs'] }] }] });
  assert.equal(webhookFindings(cfg('Exact', ['v1beta1']), 'ValidatingWebhookConfiguration', 25)[0]?.severity, 'blocker');
  assert.equal(webhookFindings(cfg('Equivalent', ['v1beta1']), 'ValidatingWebhookConfiguration', 25)[0]?.severity, 'warning');
  assert.equal(webhookFindings(cfg('Exact', ['v1beta1', 'v1']), 'ValidatingWebhookConfiguration', 25)[0]?.severity, 'warning');
  assert.deepEqual(webhookFindings(cfg('Exact', ['v1beta1']), 'ValidatingWebhookConfiguration', 24), []);
});

test('CRDs: stored versions no longer served; deprecated versions', () => {
  const crd = { metadata: { name: 'a.example.com' }, spec: { group: 'example.com', names: { kind: 'A' }, versions: [{ name: 'v1', served: true, storage: true }, { name: 'v1alpha1', served: false, storage: false }, { name: 'v2', served: true, deprecated: true }] }, status: { storedVersions: ['v1alpha1', 'v1'] } };
  assert.deepEqual(crdFindings(crd).map((f) => [f.code, f.severity]), [['crd-stored-version', 'warning'], ['crd-deprecated-version', 'info']]);
});

test('nodes: kubelet skew for the target and docker:// runtimes', () => {
  const node = (kv: string, rt = 'containerd://1.7.0'): Record<string, unknown> => ({ metadata: { name: 'n' }, status: { nodeInfo: { kubeletVersion: kv, containerRuntimeVersion: rt } } });
  assert.deepEqual(nodeFindings(node('v1.22.1'), 24), []);
  assert.equal(nodeFindings(node('v1.21.1'), 24)[0]?.code, 'kubelet-skew');
  assert.deepEqual(nodeFindings(node('v1.25.0'), 28), []);
  assert.equal(nodeFindings(node('v1.29.0'), 28)[0]?.code, 'kubelet-skew', 'never newer than the apiserver');
  assert.deepEqual(nodeFindings(node('v1.23.4', 'docker://20.10.7'), 24).map((f) => [f.code, f.severity]), [['dockershim', 'blocker']]);
  assert.deepEqual(nodeFindings(node('v1.24.4', 'docker://20.10.7'), 25).map((f) => [f.code, f.severity]), [['dockershim', 'info']]);
  assert.deepEqual(nodeFindings(node('v1.23.4', 'docker://20.10.7'), 23), []);
});

test('Helm release records decode (base64 of base64 of gzip of JSON)', () => {
  const v = encodeHelmRelease({ name: 'shop', namespace: 'x', version: 3, manifest: 'apiVersion: v1\nkind: ConfigMap\n' });
  const r = decodeHelmRelease(v);
  assert.deepEqual([r.name, r.namespace, r.revision, r.status], ['shop', 'x', 3, 'deployed']);
  assert.match(r.manifest, /ConfigMap/);
  assert.throws(() => decodeHelmRelease('bm90IGpzb24='));
});

test('node findings about many nodes fold into one', () => {
  const node = (i: number, kv: string): Record<string, unknown> => ({ metadata: { name: `n${i}` }, status: { nodeInfo: { kubeletVersion: kv } } });
  const many = Array.from({ length: 30 }, (_, i) => nodeFindings(node(i, 'v1.20.0'), 24)).flat();
  const few = [node(100, 'v1.19.0'), node(101, 'v1.19.0')].flatMap((n) => nodeFindings(n, 24));
  const g = groupNodeFindings([...many, ...few]);
  assert.equal(g.length, 3);
  assert.equal(g[0]!.identity.name, 'n0 (+29 more)');
  assert.match(g[0]!.message, /^30 nodes: .*nodes: n0, n1, n2, n3, n4, …\)$/);
});

test('legacy service-account token Secrets: one info finding from 1.29', () => {
  const tok = (n: string, used = false): Record<string, unknown> => ({ metadata: { name: n, namespace: 'a', labels: used ? { 'kubernetes.io/legacy-token-last-used': '2024-01-01' } : {} } });
  assert.equal(legacyTokenFinding([tok('t1')], 28), undefined);
  const f = legacyTokenFinding([tok('t1'), tok('t2', true)], 29)!;
  assert.equal(f.severity, 'info');
  assert.equal(f.identity.name, 't1 (+1 more)');
  assert.match(f.message, /^2 service-account token Secret\(s\) \(1 with a last-used label\)/);
});
