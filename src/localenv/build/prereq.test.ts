import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlinthError } from '../../errors/index.js';
import { checkFreeSpace, formatBytes, localGo } from './prereq.js';

async function fakeGo(t: { after: (fn: () => Promise<void>) => void }, goversion: string): Promise<string> {
  const bin = await mkdtemp(join(tmpdir(), 'plinth-prereq-'));
  t.after(() => rm(bin, { recursive: true, force: true }));
  await writeFile(join(bin, 'go'), `#!/bin/sh\necho '{"GOVERSION":"${goversion}","GOCACHE":"/c","GOMODCACHE":"/m"}'\n`);
  await chmod(join(bin, 'go'), 0o755);
  return bin;
}

void test('no go on PATH is GO_MISSING', async () => {
  const err = await localGo(tmpdir(), { PATH: '/nonexistent' }).catch((e: unknown) => e);
  assert.ok(err instanceof PlinthError);
  assert.equal(err.code, 'GO_MISSING');
});

void test('a go older than 1.21 is GO_TOO_OLD; a newer one reports its caches', async (t) => {
  const old = await fakeGo(t, 'go1.20.14');
  const err = await localGo(tmpdir(), { PATH: old }).catch((e: unknown) => e);
  assert.ok(err instanceof PlinthError);
  assert.equal(err.code, 'GO_TOO_OLD');
  assert.match(err.message, /go1\.20\.14 \(need 1\.21\.0 or newer\)/);

  const ok = await fakeGo(t, 'go1.26.8');
  assert.deepEqual(await localGo(tmpdir(), { PATH: ok }), { goVersion: '1.26.8', gocache: '/c', gomodcache: '/m' });
  const devel = await fakeGo(t, 'go1.27rc1');
  assert.equal((await localGo(tmpdir(), { PATH: devel })).goVersion, '1.27rc1');
});

void test('too little free space is DISK_FULL naming the directory', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-disk-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await checkFreeSpace([dir], 1);
  const err = await checkFreeSpace([dir], 2 ** 60).catch((e: unknown) => e);
  assert.ok(err instanceof PlinthError);
  assert.equal(err.code, 'DISK_FULL');
  assert.equal(err.params.dir, dir);
  assert.match(err.message, /needed$/);
});

void test('formatBytes', () => {
  assert.equal(formatBytes(6 * 1024 ** 3), '6.0 GiB');
  assert.equal(formatBytes(300 * 1024 ** 2), '300 MiB');
});
