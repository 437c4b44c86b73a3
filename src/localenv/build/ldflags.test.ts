import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILD_DATE, kubeLdflags } from './ldflags.js';

void test('kubeLdflags stamps the version into component-base and client-go', () => {
  const flags = kubeLdflags('v1.34.4');
  assert.ok(flags.startsWith('-s -w '));
  for (const p of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    assert.ok(flags.includes(`-X ${p}.gitVersion=v1.34.4`), p);
    assert.ok(flags.includes(`-X ${p}.gitMajor=1`), p);
    assert.ok(flags.includes(`-X ${p}.gitMinor=34`), p);
    assert.ok(flags.includes(`-X ${p}.gitTreeState=clean`), p);
    assert.ok(flags.includes(`-X ${p}.buildDate=${BUILD_DATE}`), p);
  }
  assert.equal(flags.split('-X ').length - 1, 10);
});

void test('kubeLdflags rejects versions that are not releases', () => {
  assert.throws(() => kubeLdflags('1.24.17'));
  assert.throws(() => kubeLdflags('v1.24'));
});
