import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareGoVersions,
  etcdGoMod,
  kubernetesGoMod,
  parseGoDirective,
  parseRequiredVersion,
  parseStagingModules,
  stagingVersion,
} from './gomod.js';

const KUBE_GO_MOD = `// This is a generated file. Do not edit directly.

module k8s.io/kubernetes

go 1.24.0

godebug default=go1.24

require (
	k8s.io/api v0.0.0
	k8s.io/client-go v0.0.0
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go // staging
	k8s.io/kube-aggregator => ./staging/src/k8s.io/kube-aggregator
	github.com/foo/bar => github.com/foo/bar v1.2.3
)

replace k8s.io/cri-api => ./staging/src/k8s.io/cri-api
replace k8s.io/old v0.0.0 => ./staging/src/k8s.io/old
// replace k8s.io/commented => ./staging/src/k8s.io/commented
`;

void test('parseStagingModules reads block and single-line staging replaces only', () => {
  assert.deepEqual(parseStagingModules(KUBE_GO_MOD), [
    'k8s.io/api',
    'k8s.io/client-go',
    'k8s.io/cri-api',
    'k8s.io/kube-aggregator',
    'k8s.io/old',
  ]);
  assert.deepEqual(parseStagingModules('module x\n\ngo 1.20\n'), []);
});

void test('parseGoDirective finds the go line, not godebug or toolchain', () => {
  assert.equal(parseGoDirective(KUBE_GO_MOD), '1.24.0');
  assert.equal(parseGoDirective('module x\ngo 1.19\ntoolchain go1.21.1\n'), '1.19');
  assert.equal(parseGoDirective('module x\n'), undefined);
});

void test('parseRequiredVersion reads block and single-line requires, direct or indirect, not replaces', () => {
  const mod = [
    'module sigs.k8s.io/kwok',
    'go 1.23.0',
    'require github.com/spf13/pflag v1.0.6',
    'require (',
    '\tk8s.io/api v0.33.0',
    '\tk8s.io/apimachinery v0.33.0 // indirect',
    ')',
    'replace k8s.io/client-go => k8s.io/client-go v0.32.0',
  ].join('\n');
  assert.equal(parseRequiredVersion(mod, 'github.com/spf13/pflag'), 'v1.0.6');
  assert.equal(parseRequiredVersion(mod, 'k8s.io/api'), 'v0.33.0');
  assert.equal(parseRequiredVersion(mod, 'k8s.io/apimachinery'), 'v0.33.0');
  assert.equal(parseRequiredVersion(mod, 'k8s.io/client-go'), undefined);
  assert.equal(parseRequiredVersion(mod, 'k8s.io/ap'), undefined);
});

void test('compareGoVersions orders go versions and toolchain names', () => {
  assert.ok(compareGoVersions('1.24.0', 'go1.21.13') > 0);
  assert.ok(compareGoVersions('1.19', 'go1.21.13') < 0);
  assert.equal(compareGoVersions('1.24', '1.24.0'), 0);
  assert.equal(compareGoVersions('go1.24.0', '1.24.0'), 0);
  assert.ok(compareGoVersions('1.26.0', 'go1.26.10') < 0);
  assert.throws(() => compareGoVersions('1.x', '1.2'));
});

void test('stagingVersion maps v1.Y.Z to v0.Y.Z', () => {
  assert.equal(stagingVersion('v1.24.17'), 'v0.24.17');
  assert.equal(stagingVersion('v1.34.4'), 'v0.34.4');
  assert.throws(() => stagingVersion('1.24.17'));
  assert.throws(() => stagingVersion('v1.24.0-rc.1'));
});

void test('kubernetesGoMod requires kubernetes and points every staging module at v0.Y.Z', () => {
  const text = kubernetesGoMod({
    kubernetes: 'v1.24.17',
    goVersion: '1.19',
    staging: parseStagingModules(KUBE_GO_MOD),
  });
  const lines = text.split('\n');
  assert.ok(lines.includes('module plinth.local/kubernetes-v1.24.17'));
  assert.ok(lines.includes('go 1.19'));
  assert.ok(lines.includes('require k8s.io/kubernetes v1.24.17'));
  assert.ok(lines.includes('\tk8s.io/api => k8s.io/api v0.24.17'));
  assert.ok(lines.includes('\tk8s.io/cri-api => k8s.io/cri-api v0.24.17'));
  assert.equal(lines.filter((l) => l.includes('=>')).length, 5);
  assert.ok(!text.includes('./staging'));
  assert.ok(!text.includes('github.com/foo/bar'));
});

void test('etcdGoMod requires the server module at the pinned version', () => {
  const text = etcdGoMod('v3.5.35', '1.26.0');
  assert.match(text, /^module plinth\.local\/etcd$/m);
  assert.match(text, /^go 1\.26\.0$/m);
  assert.match(text, /^require go\.etcd\.io\/etcd\/server\/v3 v3\.5\.35$/m);
});
