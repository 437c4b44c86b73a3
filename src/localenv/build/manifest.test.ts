import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_SCHEMA, manifestMatches, validEntry, writeManifest, type Manifest, type ManifestKey } from './manifest.js';

const KEY: ManifestKey = { component: 'etcd', version: 'v3.5.35', goToolchain: 'go1.26.10', recipe: 1, files: ['etcd'] };

function manifest(over: Partial<Manifest> = {}): Manifest {
  return {
    schema: MANIFEST_SCHEMA,
    ...KEY,
    files: ['etcd'],
    builtAt: '2026-01-01T00:00:00.000Z',
    stepSeconds: { build: 60 },
    versionOutput: { etcd: 'etcd Version: 3.5.35' },
    ...over,
  };
}

void test('manifestMatches accepts exactly the pinned entry', () => {
  assert.equal(manifestMatches(manifest(), KEY), true);
  assert.equal(manifestMatches(undefined, KEY), false);
  assert.equal(manifestMatches('x', KEY), false);
  assert.equal(manifestMatches({ ...manifest(), schema: 2 }, KEY), false);
  assert.equal(manifestMatches(manifest({ version: 'v3.5.34' }), KEY), false, 'pinned version changed');
  assert.equal(manifestMatches(manifest({ goToolchain: 'go1.26.8' }), KEY), false, 'toolchain changed');
  assert.equal(manifestMatches(manifest({ recipe: 0 }), KEY), false, 'recipe changed');
  assert.equal(manifestMatches(manifest({ revision: 0 }), KEY), true, 'revision 0 is the same as none');
  assert.equal(manifestMatches(manifest(), { ...KEY, revision: 1 }), false, 'component revision bumped: an entry without one is rebuilt');
  assert.equal(manifestMatches(manifest({ revision: 1 }), { ...KEY, revision: 1 }), true);
  assert.equal(manifestMatches(manifest({ files: ['etcd', 'etcdctl'] }), KEY), false);
  assert.equal(manifestMatches(manifest({ builtAt: 'yesterday' }), KEY), false);
});

void test('validEntry needs the manifest and every binary executable', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-manifest-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'manifest.json');
  assert.equal(await validEntry(dir, file, KEY), undefined, 'empty dir');

  await writeManifest(file, manifest());
  assert.equal(await validEntry(dir, file, KEY), undefined, 'binary missing');

  await writeFile(join(dir, 'etcd'), '#!/bin/sh\n');
  assert.equal(await validEntry(dir, file, KEY), undefined, 'binary not executable');

  await chmod(join(dir, 'etcd'), 0o755);
  assert.equal((await validEntry(dir, file, KEY))?.version, 'v3.5.35');

  assert.equal(await validEntry(dir, file, KEY, new Date('2026-06-01T00:00:00Z')), undefined, 'built before a forced rebuild');
  assert.ok(await validEntry(dir, file, KEY, new Date('2025-06-01T00:00:00Z')));

  await writeFile(file, '{"schema": 1, "comp');
  assert.equal(await validEntry(dir, file, KEY), undefined, 'torn manifest');
});
