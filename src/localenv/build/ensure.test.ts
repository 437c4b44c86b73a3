import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryPaths, cached, rebuildSince, recipesFor } from './ensure.js';
import { manifestKey } from './entry.js';
import { MANIFEST_SCHEMA, writeManifest } from './manifest.js';
import { layout, type Layout } from './paths.js';
import { ETCD, KUBE_PINS, KWOK } from './versions.js';
import { versions } from './index.js';

void test('versions() reports the pins; OLD is 1.24 and NEW is 1.32 or newer', () => {
  const v = versions();
  assert.equal(v.old.kubernetes, 'v1.24.17');
  assert.match(v.new.kubernetes, /^v1\.3[2-9]\.\d+$/);
  assert.match(v.etcd, /^v3\.5\.\d+$/);
  assert.match(v.kwok, /^v0\.\d+\.\d+$/);
  for (const k of ['old', 'new'] as const) assert.match(v[k].goToolchain, /^go1\.\d+\.\d+$/);
});

void test('rebuildSince reads PLINTH_REBUILD', () => {
  const start = Date.parse('2026-01-02T03:04:05Z');
  assert.equal(rebuildSince({}, start), undefined);
  assert.equal(rebuildSince({ PLINTH_REBUILD: '0' }, start), undefined);
  assert.equal(rebuildSince({ PLINTH_REBUILD: 'false' }, start), undefined);
  assert.equal(rebuildSince({ PLINTH_REBUILD: '1' }, start)?.getTime(), start, 'once per process');
  assert.equal(rebuildSince({ PLINTH_REBUILD: 'yes' }, start)?.getTime(), start);
  assert.equal(rebuildSince({ PLINTH_REBUILD: '1767225600' }, start)?.toISOString(), '2026-01-01T00:00:00.000Z');
  assert.equal(rebuildSince({ PLINTH_REBUILD: '2026-01-01T00:00:00Z' }, start)?.toISOString(), '2026-01-01T00:00:00.000Z');
});

void test('binaryPaths: kubernetes per version, etcd and kwok shared', () => {
  const l = layout('/c');
  assert.deepEqual(binaryPaths('old', l), {
    version: KUBE_PINS.old.kubernetes,
    kubeApiserver: `/c/kubernetes/${KUBE_PINS.old.kubernetes}/kube-apiserver`,
    kubeControllerManager: `/c/kubernetes/${KUBE_PINS.old.kubernetes}/kube-controller-manager`,
    kubeScheduler: `/c/kubernetes/${KUBE_PINS.old.kubernetes}/kube-scheduler`,
    etcd: `/c/etcd/${ETCD.version}/etcd`,
    kwok: `/c/kwok/${KWOK.version}/kwok`,
  });
  assert.equal(binaryPaths('new', l).etcd, binaryPaths('old', l).etcd);
});

async function install(l: Layout, name: 'old' | 'new', skip?: string): Promise<void> {
  for (const r of Object.values(recipesFor(name))) {
    if (r.component === skip) continue;
    const dir = l.install(r.component, r.version);
    await mkdir(dir, { recursive: true });
    for (const f of r.files) {
      await writeFile(join(dir, f), '#!/bin/sh\n');
      await chmod(join(dir, f), 0o755);
    }
    await writeManifest(l.manifest(r.component, r.version), {
      schema: MANIFEST_SCHEMA,
      ...manifestKey(r),
      files: [...r.files],
      builtAt: new Date().toISOString(),
      stepSeconds: {},
      versionOutput: {},
    });
  }
}

void test('cached() answers only when all three entries are complete', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'plinth-cached-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const l = layout(root);
  assert.equal(await cached('old', l), undefined);
  await install(l, 'old', 'kwok');
  assert.equal(await cached('old', l), undefined, 'kwok missing');
  await install(l, 'old');
  assert.deepEqual(await cached('old', l), binaryPaths('old', l));
  assert.equal(await cached('new', l), undefined, 'new has its own kubernetes entry');
});
