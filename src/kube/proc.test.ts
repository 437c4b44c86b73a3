import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { parseProcStat, processRunning, readProcStat } from './proc.js';

test('parseProcStat reads the state and the start time after a command name with spaces and parentheses', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  fields[0] = 'Z';
  fields[19] = '123456';
  assert.deepEqual(parseProcStat(`4242 (node (a) b) ${fields.join(' ')}`), { state: 'Z', startTime: 123456 });
  assert.equal(parseProcStat('garbage'), undefined);
  assert.equal(parseProcStat('1 (x) S 1 2'), undefined);
});

test('processRunning: this process yes, with another start time no, a pid that does not exist no', () => {
  const own = readProcStat(process.pid);
  assert.ok(own, 'this process has a /proc entry');
  assert.equal(processRunning(process.pid), true);
  assert.equal(processRunning(process.pid, own.startTime), true);
  assert.equal(processRunning(process.pid, own.startTime + 1), false);
  assert.equal(processRunning(0x3fffffff), false);
});

test('processRunning: a zombie (killed, not yet reaped by its parent) is not running although kill(pid, 0) succeeds', async () => {
  // `sh` starts a background sleep, prints its pid, then becomes a sleep itself, which never reaps it.
  const parent = spawn('sh', ['-c', 'sleep 60 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const [chunk] = (await once(parent.stdout, 'data')) as [Buffer];
    const pid = Number(chunk.toString().trim());
    const started = readProcStat(pid);
    assert.ok(started && started.state !== 'Z');
    assert.equal(processRunning(pid, started.startTime), true);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && readProcStat(pid)?.state !== 'Z'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(readProcStat(pid)?.state, 'Z');
    assert.doesNotThrow(() => process.kill(pid, 0), 'the kernel still answers for a zombie');
    assert.equal(processRunning(pid, started.startTime), false);
  } finally {
    parent.kill('SIGKILL');
  }
});
