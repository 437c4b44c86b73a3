import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import type { SidecarSet } from '../../api/release/sidecarset.js';
import { sidecarSetHash } from './hash.js';
import { SIDECAR_KEYS } from './inject.js';
import { upgradePatch } from './upgrade.js';

function set(image: string, batchSize = 2, paused = false): SidecarSet {
  return {
    apiVersion: 'apps.plinth.dev/v1alpha1',
    kind: 'SidecarSet',
    metadata: { name: 'mesh' },
    spec: { selector: {}, containers: [{ name: 'proxy', image }], launchOrder: 'BeforeApp', updateStrategy: { batchSize, paused } },
  };
}

function pod(name: string, hash: string, specImage: string, statusImage: string, ready = true): V1Pod {
  return {
    metadata: { name, namespace: 'shop', resourceVersion: '7', annotations: { [SIDECAR_KEYS.hash]: JSON.stringify({ mesh: hash }) } },
    spec: { containers: [{ name: 'proxy', image: specImage }, { name: 'app', image: 'web:1' }] },
    status: { containerStatuses: [{ name: 'proxy', image: statusImage, ready, restartCount: 0, imageID: '', started: true }] },
  };
}

test('the patch replaces only the sidecar image and records the hash, guarded by the resourceVersion', () => {
  const v2 = set('proxy:2');
  const ops = upgradePatch(v2, pod('a', sidecarSetHash(set('proxy:1')), 'proxy:1', 'proxy:1'));
  assert.deepEqual(ops, [
    { op: 'test', path: '/metadata/resourceVersion', value: '7' },
    { op: 'replace', path: '/spec/containers/0/image', value: 'proxy:2' },
    { op: 'replace', path: '/metadata/annotations/apps.plinth.dev~1sidecar-hash', value: JSON.stringify({ mesh: sidecarSetHash(v2) }) },
  ]);
});
