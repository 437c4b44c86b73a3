import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processRunning } from '../../kube/proc.js';
import { readManagerRecord, type ManagerRecord } from './record.js';
import { superviseManager } from './supervisor.js';

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the supervisor restarts a killed manager, records and logs each restart, and stops it without a restart on abort', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-supervisor-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const logFile = join(dir, 'manager.log');
  const stop = new AbortController();
  const supervised = superviseManager({
    stateDir: dir,
    command: [process.execPath, '-e', 'console.log("fake manager up"); setInterval(() => {}, 1000)'],
    env: { ...process.env, NODE_OPTIONS: '' },
    logFile,
    metricsPort: 1,
    kubeconfig: '/dev/null',
    backoff: { initialMs: 50, jitter: 0 },
    signal: stop.signal,
  });
  const started = (n: number): Promise<true> =>
    until(`${n} managers to have logged`, async () => ((await readFile(logFile, 'utf8').catch(() => '')).match(/fake manager up/g)?.length === n ? true : undefined));
  try {
    const first = await until('the first manager', async () => readManagerRecord(dir));
    assert.equal(first.restarts, 0);
    assert.ok(first.startTime !== undefined && processRunning(first.pid, first.startTime));
    assert.equal(first.supervisorPid, process.pid);

    await started(1);
    process.kill(first.pid, 'SIGKILL');
    const second: ManagerRecord = await until('a restarted manager', async () => {
      const r = await readManagerRecord(dir);
      return r && r.pid !== first.pid ? r : undefined;
    });
    assert.equal(second.restarts, 1);
    assert.deepEqual({ pid: second.lastExit?.pid, signal: second.lastExit?.signal }, { pid: first.pid, signal: 'SIGKILL' });
    assert.equal(processRunning(first.pid, first.startTime), false, 'the killed one was reaped');
    assert.ok(processRunning(second.pid, second.startTime));

    await started(2);

    stop.abort();
    await supervised;
    assert.equal(processRunning(second.pid, second.startTime), false, 'abort stops the manager');
    const after = await readManagerRecord(dir);
    assert.equal(after?.pid, second.pid, 'no restart after abort');
  } finally {
    stop.abort();
    await supervised;
  }
});
