import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { acquireLock, isLockStale, parseLockInfo, type LockInfo, type StaleCheck } from './lock.js';
import { pidAlive } from '../../kube/proc.js';

const NOW = 1_000_000_000;
const check = (over: Partial<StaleCheck> = {}): StaleCheck => ({
  host: 'h1',
  alive: (pid) => pid === 42,
  now: NOW,
  heartbeatTimeoutMs: 300_000,
  ...over,
});
const info = (over: Partial<LockInfo> = {}): LockInfo => ({ pid: 42, host: 'h1', token: 't', startedAt: '', ...over });

void test('isLockStale: a live holder with a fresh heartbeat keeps the lock', () => {
  assert.equal(isLockStale(info(), NOW - 1000, check()), false);
});

void test('isLockStale: a dead pid on this host is stale', () => {
  assert.equal(isLockStale(info({ pid: 7 }), NOW - 1000, check()), true);
});

void test('isLockStale: a pid on another host cannot be checked, only its heartbeat', () => {
  assert.equal(isLockStale(info({ pid: 7, host: 'h2' }), NOW - 1000, check()), false);
  assert.equal(isLockStale(info({ pid: 7, host: 'h2' }), NOW - 301_000, check()), true);
});

void test('isLockStale: a stopped heartbeat is stale even if the pid exists (reused pid, hung holder)', () => {
  assert.equal(isLockStale(info(), NOW - 301_000, check()), true);
});

void test('isLockStale: an unreadable lock is stale only once it is old', () => {
  assert.equal(isLockStale(undefined, NOW - 2000, check()), false);
  assert.equal(isLockStale(undefined, NOW - 11_000, check()), true);
});

void test('parseLockInfo and pidAlive', () => {
  assert.deepEqual(parseLockInfo('{"pid":1,"host":"h","token":"t","startedAt":"s"}'), { pid: 1, host: 'h', token: 't', startedAt: 's' });
  assert.equal(parseLockInfo('{"pid":1'), undefined);
  assert.equal(parseLockInfo('{"pid":"1","host":"h","token":"t"}'), undefined);
  assert.equal(pidAlive(process.pid), true);
  assert.equal(pidAlive(0), false);
  assert.equal(pidAlive(deadPid()), false);
});

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid ?? 0;
}

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

void test('a second caller waits until the holder releases', async (t) => {
  const path = join(await tempDir(t), 'locks', 'x.lock');
  const first = await acquireLock(path, { pollMs: 20 });
  const events: string[] = [];
  const second = acquireLock(path, { pollMs: 20 }).then((l) => {
    events.push('second');
    return l;
  });
  await sleep(150);
  events.push('release');
  await first.release();
  const l2 = await second;
  assert.deepEqual(events, ['release', 'second']);
  assert.equal(parseLockInfo(await readFile(path, 'utf8'))?.pid, process.pid);
  await l2.release();
  await assert.rejects(readFile(path), /ENOENT/);
});

void test('a lock left by a killed process is taken over', async (t) => {
  const path = join(await tempDir(t), 'x.lock');
  await writeFile(path, JSON.stringify(info({ pid: deadPid(), host: hostname() })));
  const l = await acquireLock(path, { pollMs: 20 });
  assert.equal(parseLockInfo(await readFile(path, 'utf8'))?.pid, process.pid);
  await l.release();
});

void test('a lock whose heartbeat stopped is taken over', async (t) => {
  const path = join(await tempDir(t), 'x.lock');
  await writeFile(path, JSON.stringify(info({ pid: process.pid, host: hostname(), token: 'other' })));
  const old = new Date(Date.now() - 10 * 60_000);
  await utimes(path, old, old);
  const l = await acquireLock(path, { pollMs: 20 });
  assert.notEqual(parseLockInfo(await readFile(path, 'utf8'))?.token, 'other');
  await l.release();
});

void test('many waiters on one stale lock: exactly one holds it at a time', async (t) => {
  const path = join(await tempDir(t), 'x.lock');
  await writeFile(path, JSON.stringify(info({ pid: deadPid(), host: hostname() })));
  let holders = 0;
  let maxHolders = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      const l = await acquireLock(path, { pollMs: 5 });
      holders += 1;
      maxHolders = Math.max(maxHolders, holders);
      await sleep(30);
      holders -= 1;
      await l.release();
    }),
  );
  assert.equal(maxHolders, 1);
});

void test('release does not remove a lock that someone else took over', async (t) => {
  const path = join(await tempDir(t), 'x.lock');
  const l = await acquireLock(path);
  await writeFile(path, JSON.stringify(info({ token: 'someone-else' })));
  await l.release();
  assert.equal(parseLockInfo(await readFile(path, 'utf8'))?.token, 'someone-else');
});
