import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REMOVED_APIS, removedApi, removedByResource, servedAt } from './apis.js';
import { DEPRECATED_APIS, deprecatedApi } from './deprecated.js';
import { REMOVED_FLAGS, REMOVED_ADMISSION_PLUGINS, admissionPlugin, flagEntries } from './flags.js';
import { REMOVED_GATES, removedGate } from './gates.js';
import { BEHAVIOUR_CHANGES, changesBetween } from './behaviour.js';
import { kubeletMaxBehind, skewVerdict } from './skew.js';
import { KB_NEWEST_MINOR, parseKubeVersion } from './version.js';
import { flagFindings } from '../rules.js';
import type { Identity } from '../types.js';

const URL_RE = /^https:\/\//;

test('every knowledge-base entry names its source and sane versions', () => {
  for (const a of REMOVED_APIS) {
    assert.match(a.source, URL_RE, a.apiVersion);
    assert.ok(a.deprecatedIn < a.removedIn, `${a.apiVersion} ${a.kind}`);
    assert.ok(a.removedIn <= KB_NEWEST_MINOR);
  }
  for (const a of DEPRECATED_APIS) {
    assert.match(a.source, URL_RE);
    assert.ok(a.plannedRemoval === null || a.plannedRemoval > a.deprecatedIn);
  }
  for (const f of REMOVED_FLAGS) {
    assert.match(f.source, URL_RE, f.flag);
    assert.ok(f.removedIn === null || f.removedIn > f.deprecatedIn, `${f.component} --${f.flag}`);
    assert.ok(!f.flag.startsWith('-'));
  }
  for (const p of REMOVED_ADMISSION_PLUGINS) {
    assert.match(p.source, URL_RE, p.plugin);
    assert.ok(p.removedIn > p.deprecatedIn, p.plugin);
  }
  for (const g of REMOVED_GATES) {
    assert.match(g.source, URL_RE);
    // Some alpha gates were deprecated and removed in the same minor; a GA gate is always accepted for a while.
    assert.ok(g.stage === 'GA' ? g.removedIn > g.lockedIn : g.removedIn >= g.lockedIn, g.gate);
    assert.ok(g.removedIn >= 16 && g.removedIn <= KB_NEWEST_MINOR, g.gate);
  }
  for (const b of BEHAVIOUR_CHANGES) assert.match(b.source, URL_RE, b.id);
  assert.equal(new Set(REMOVED_GATES.map((g) => g.gate)).size, REMOVED_GATES.length, 'gates are unique');
  assert.equal(new Set(BEHAVIOUR_CHANGES.map((b) => b.id)).size, BEHAVIOUR_CHANGES.length, 'behaviour ids are unique');
});

test('API lookups by kind and by resource', () => {
  assert.equal(removedApi('batch/v1beta1', 'CronJob')?.removedIn, 25);
  assert.equal(removedApi('batch/v1', 'CronJob'), undefined);
  assert.equal(servedAt('batch/v1beta1', 'CronJob', 24), true);
  assert.equal(servedAt('batch/v1beta1', 'CronJob', 25), false);
  assert.equal(removedByResource('policy/v1beta1', 'poddisruptionbudgets')?.kind, 'PodDisruptionBudget');
  assert.equal(removedApi('policy/v1beta1', 'PodSecurityPolicy')?.replacement, null);
  assert.equal(deprecatedApi('v1', 'Endpoints')?.replacement?.kind, 'EndpointSlice');
});

test('flag, admission-plugin and gate lookups', () => {
  assert.equal(flagEntries('kube-apiserver', 'insecure-port')[0]?.removedIn, 24);
  assert.equal(flagEntries('kubelet', 'network-plugin')[0]?.removedIn, 24);
  assert.equal(flagEntries('kube-scheduler', 'policy-config-file')[0]?.removedIn, 23);
  assert.deepEqual(flagEntries('kubelet', 'no-such-flag'), []);
  assert.equal(admissionPlugin('PodSecurityPolicy')?.removedIn, 25);
  assert.equal(removedGate('DynamicKubeletConfig')?.removedIn, 26);
  assert.equal(removedGate('NotAGate'), undefined);
});

const id: Identity = { source: 'manifest', file: 'kube-apiserver.yaml', line: 1 };
const gateSeverity = (gate: string, target: number): string | undefined =>
  flagFindings('kube-apiserver', [`--feature-gates=${gate}=true`], target, id).find((f) => f.code === 'removed-feature-gate')?.severity;
const flagSeverity = (component: Parameters<typeof flagFindings>[0], flag: string, target: number): string | undefined =>
  flagFindings(component, [flag], target, id)[0]?.severity;

test('verified gate removals: a blocker from the removal minor, only a warning the minor before', () => {
  // [gate, first minor that refuses it] — each checked against the source named in gates.ts.
  const verified: [string, number][] = [
    ['VolumeSnapshotDataSource', 22], // 1.22 notes, #101531 (the removed-gates table reads one minor later)
    ['AllowInsecureBackendProxy', 23], // #103796; the table said 1.25
    ['NodeLease', 23], // 1.23 notes, #105222
    ['StreamingProxyRedirects', 24], // 1.24 notes, #106830
    ['TTLAfterFinished', 25], // still in release-1.24's gate list
    ['DynamicKubeletConfig', 26],
    ['DaemonSetUpdateSurge', 27], // 1.27 notes, #114410 (one table revision said 1.28)
    ['PodSecurity', 28],
    ['KubeletCredentialProviders', 28],
    ['CSIMigrationGCE', 28], // was 27 in the first version of the table here
    ['GRPCContainerProbe', 29],
    ['RemoveSelfLink', 30],
    ['APIPriorityAndFairness', 31],
    ['ServerSideApply', 32],
    ['AggregatedDiscoveryEndpoint', 33],
  ];
  for (const [gate, removedIn] of verified) {
    assert.equal(removedGate(gate)?.removedIn, removedIn, gate);
    assert.equal(gateSeverity(gate, removedIn), 'blocker', `${gate} at 1.${removedIn}`);
    assert.equal(gateSeverity(gate, KB_NEWEST_MINOR), 'blocker', `${gate} at the newest minor`);
    assert.notEqual(gateSeverity(gate, removedIn - 1), 'blocker', `${gate} at 1.${removedIn - 1}`);
  }
  assert.equal(gateSeverity('PodSecurity', 27), 'warning', 'GA since 1.25: accepted but pointless');
  assert.equal(gateSeverity('PodSecurity', 24), undefined, 'still beta before 1.25');
  // Deprecated and removed in the same minor: no warning window.
  assert.equal(gateSeverity('BalanceAttachedNodeVolumes', 21), undefined);
  assert.equal(gateSeverity('BalanceAttachedNodeVolumes', 22), 'blocker');
  assert.equal(gateSeverity('SomeAlphaGate', 34), undefined);
});

test('verified flag and admission-plugin removals', () => {
  assert.equal(flagSeverity('kube-controller-manager', '--enable-taint-manager=true', 26), 'warning');
  assert.equal(flagSeverity('kube-controller-manager', '--enable-taint-manager=true', 27), 'blocker'); // #115840
  assert.equal(flagSeverity('kube-controller-manager', '--pod-eviction-timeout=5m', 25), 'info'); // deprecated only in 1.26
  assert.equal(flagSeverity('kube-controller-manager', '--pod-eviction-timeout=5m', 27), 'blocker');
  assert.equal(flagSeverity('kube-scheduler', '--lock-object-name=x', 27), 'warning');
  assert.equal(flagSeverity('kube-scheduler', '--lock-object-name=x', 28), 'blocker'); // #119130
  assert.equal(flagSeverity('kube-apiserver', '--service-account-api-audiences=api', 25), 'blocker'); // #108624
  assert.equal(flagSeverity('kubelet', '--pod-infra-container-image=pause', 24), 'warning'); // deprecated in 1.24, #108045
  assert.equal(flagSeverity('kubelet', '--pod-infra-container-image=pause', 23), undefined);
  assert.equal(flagSeverity('kubelet', '--keep-terminated-pod-volumes', 31), 'blocker');
  assert.equal(admissionPlugin('SecurityContextDeny')?.removedIn, 30);
  const psa = flagFindings('kube-apiserver', ['--enable-admission-plugins=NodeRestriction,SecurityContextDeny'], 29, id);
  assert.deepEqual(psa.map((f) => [f.subject, f.severity]), [['SecurityContextDeny', 'warning']]);
});

test('API removal versions from the Deprecated API Migration Guide', () => {
  const removedIn = (apiVersion: string, kind: string): number | undefined => removedApi(apiVersion, kind)?.removedIn;
  assert.equal(removedIn('extensions/v1beta1', 'Deployment'), 16);
  assert.equal(removedIn('extensions/v1beta1', 'PodSecurityPolicy'), 16);
  assert.equal(removedIn('networking.k8s.io/v1beta1', 'Ingress'), 22);
  assert.equal(removedIn('authorization.k8s.io/v1beta1', 'SelfSubjectRulesReview'), 22);
  assert.equal(removedIn('policy/v1beta1', 'PodDisruptionBudget'), 25);
  assert.equal(removedIn('autoscaling/v2beta2', 'HorizontalPodAutoscaler'), 26);
  assert.equal(removedIn('storage.k8s.io/v1beta1', 'CSIStorageCapacity'), 27);
  assert.equal(removedIn('flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema'), 29);
  assert.equal(removedIn('flowcontrol.apiserver.k8s.io/v1beta3', 'PriorityLevelConfiguration'), 32);
  assert.deepEqual(removedApi('authorization.k8s.io/v1beta1', 'SubjectAccessReview')?.fieldChanges.map((c) => c.to), ['spec.groups']);
  assert.ok(removedApi('extensions/v1beta1', 'DaemonSet')?.fieldChanges.some((c) => c.from === 'spec.templateGeneration'));
  assert.ok(!removedApi('extensions/v1beta1', 'Deployment')?.fieldChanges.some((c) => c.from === 'spec.templateGeneration'));
});

test('behaviour changes between two minors', () => {
  const ids = changesBetween(23, 25).map((c) => c.id);
  assert.ok(ids.includes('dockershim-removed'));
  assert.ok(ids.includes('psp-removed'));
  assert.ok(!ids.includes('webhook-v1-defaults'));
  assert.equal(changesBetween(25, 25).length, 0);
});

test('version-skew policy: kubelet 2 behind before 1.28, 3 from 1.28, never newer', () => {
  assert.equal(kubeletMaxBehind(27), 2);
  assert.equal(kubeletMaxBehind(28), 3);
  assert.equal(skewVerdict('kubelet', 25, 27).ok, true);
  assert.equal(skewVerdict('kubelet', 24, 27).ok, false);
  assert.equal(skewVerdict('kubelet', 25, 28).ok, true);
  assert.equal(skewVerdict('kubelet', 24, 28).ok, false);
  assert.equal(skewVerdict('kubelet', 29, 28).ok, false);
  assert.equal(skewVerdict('kube-controller-manager', 27, 28).ok, true);
  assert.equal(skewVerdict('kube-scheduler', 26, 28).ok, false);
  assert.equal(skewVerdict('kubectl', 29, 28).ok, true);
  assert.equal(skewVerdict('kubectl', 30, 28).ok, false);
});

test('versions parse as minors', () => {
  assert.equal(parseKubeVersion('v1.24.17')?.minor, 24);
  assert.equal(parseKubeVersion('latest'), undefined);
});

test('issue #22: alpha and off-by-default beta removals, and deprecation minors from the lifecycle data', () => {
  const removedIn = (apiVersion: string, kind: string): number | undefined => removedApi(apiVersion, kind)?.removedIn;
  assert.equal(removedIn('node.k8s.io/v1alpha1', 'RuntimeClass'), 24);
  assert.equal(removedIn('admissionregistration.k8s.io/v1alpha1', 'ValidatingAdmissionPolicy'), 32);
  assert.equal(removedIn('admissionregistration.k8s.io/v1beta1', 'ValidatingAdmissionPolicyBinding'), 34);
  assert.equal(removedIn('rbac.authorization.k8s.io/v1alpha1', 'ClusterRoleBinding'), 23);
  assert.equal(removedIn('apps/v1alpha1', 'PetSet'), 5);
  assert.equal(removedIn('batch/v2alpha1', 'CronJob'), 21);
  assert.equal(removedApi('events.k8s.io/v1beta1', 'Event')?.deprecatedIn, 22);
  assert.equal(removedApi('extensions/v1beta1', 'Deployment')?.deprecatedIn, 8);
  assert.equal(removedByResource('rbac.authorization.k8s.io/v1alpha1', 'rolebindings')?.kind, 'RoleBinding');
  assert.equal(deprecatedApi('networking.k8s.io/v1beta1', 'ServiceCIDR')?.plannedRemoval, 37);
});
