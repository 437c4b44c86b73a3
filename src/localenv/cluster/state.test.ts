import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPONENTS, type ClusterRecord, type ComponentName, type ComponentRecord } from './types.js';
import { isLive, readRecord, status, validName, writeRecord } from './state.js';

function record(stateDir: string, pid: number | null, over: Partial<ClusterRecord> = {}): ClusterRecord {
  return {
    name: 'x',
    versionName: 'new',
    version: 'v1.34.4',
    stateDir,
    kubeconfig: join(stateDir, 'kubeconfig'),
    server: 'https://127.0.0.1:1',
    etcdEndpoint: 'http://127.0.0.1:2',
    ownerPid: process.pid,
    detached: false,
    removeStateOnStop: true,
    watchdogPid: null,
    startedAt: new Date().toISOString(),
    phase: 'running',
    components: Object.fromEntries(COMPONENTS.map((c): [ComponentName, ComponentRecord] => [c, { pid, ports: {}, log: '' }])) as Record<
      ComponentName,
      ComponentRecord
    >,
    ...over,
  };
}

void test('a record with dead pids is not live; cluster.json round-trips', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-state-'));
  try {
    await mkdir(dir, { recursive: true });
    // pid 2^22+1 is above Linux's pid_max default: never alive.
    const rec = record(dir, 4194305);
    await writeRecord(rec);
    const back = await readRecord(dir);
    assert.deepEqual(back, rec);
    assert.equal(isLive(rec), false);
    assert.equal(status(rec).alive, false);
    assert.equal(await readRecord(join(dir, 'missing')), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('a live pid that is not one of the cluster processes does not count (pid reuse)', () => {
  // This test process is alive, but its command line does not mention the state dir.
  const rec = record('/nonexistent/plinth-state', process.pid);
  assert.equal(status(rec).componentsAlive.etcd, false);
  assert.equal(isLive(rec), false);
});

void test('cluster names', () => {
  assert.ok(validName('hub'));
  assert.ok(validName('member-12'));
  assert.ok(!validName('Hub'));
  assert.ok(!validName('-x'));
  assert.ok(!validName('a/b'));
});
