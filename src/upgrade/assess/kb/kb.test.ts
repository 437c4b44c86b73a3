import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REMOVED_APIS, removedApi, removedByResource, servedAt } from './apis.js';
import { DEPRECATED_APIS, deprecatedApi } from './deprecated.js';
import { REMOVED_FLAGS, REMOVED_ADMISSION_PLUGINS, admissionPlugin, flagEntries } from './flags.js';
import { REMOVED_GATES, removedGate } from './gates.js';
import { BEHAVIOUR_CHANGES, changesBetween } from './behaviour.js';
import { kubeletMaxBehind, skewVerdict } from './skew.js';
import { KB_NEWEST_MINOR, parseKubeVersion } from './version.js';

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
  for (const p of REMOVED_ADMISSION_PLUGINS) assert.ok(p.removedIn > p.deprecatedIn, p.plugin);
  for (const g of REMOVED_GATES) {
    assert.match(g.source, URL_RE);
    assert.ok(g.removedIn > g.lockedIn, g.gate);
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
