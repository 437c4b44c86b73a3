import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandArgv, describeExecutor, runCommand } from './executor.js';

test('local runs sh -c', () => {
  assert.deepEqual(commandArgv({ type: 'local' }, 'echo hi'), { bin: 'sh', args: ['-c', 'echo hi'] });
});

test('ssh argv: BatchMode, port, identity, user, options, -- before the host and the command as one argument', () => {
  const a = commandArgv({ type: 'ssh', host: 'm1.example', user: 'ops', port: 2222, identityFile: '/k/id', options: ['StrictHostKeyChecking=no'], connectTimeoutSeconds: 5 }, 'systemctl stop etcd && echo ok');
  assert.equal(a.bin, 'ssh');
  assert.deepEqual(a.args, [
    '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', '-o', 'ServerAliveInterval=15',
    '-o', 'StrictHostKeyChecking=no',
    '-p', '2222', '-i', '/k/id', '-o', 'IdentitiesOnly=yes', '-l', 'ops',
    '--', 'm1.example', 'systemctl stop etcd && echo ok',
  ]);
  const minimal = commandArgv({ type: 'ssh', host: 'h' }, 'true');
  assert.deepEqual(minimal.args.slice(-3), ['--', 'h', 'true']);
  assert.ok(!minimal.args.includes('-p'));
  assert.equal(describeExecutor({ type: 'ssh', host: 'h', user: 'u', port: 22 }), 'ssh u@h:22');
});

test('runCommand logs output and exit codes; a timeout kills the process group', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-exec-'));
  try {
    const log = join(dir, 'x.log');
    const ok = await runCommand({ type: 'local' }, 'echo out; echo err >&2', { logFile: log, timeoutMs: 10_000 });
    assert.equal(ok.code, 0);
    const bad = await runCommand({ type: 'local' }, 'exit 7', { logFile: log, timeoutMs: 10_000 });
    assert.equal(bad.code, 7);
    assert.equal(bad.unreachable, false);
    const t0 = Date.now();
    const slow = await runCommand({ type: 'local' }, 'sleep 30 & sleep 30', { logFile: log, timeoutMs: 300 });
    assert.equal(slow.timedOut, true);
    assert.ok(Date.now() - t0 < 5000);
    const text = await readFile(log, 'utf8');
    assert.match(text, /\$ echo out; echo err >&2\nout\nerr\n=== exit 0/);
    assert.match(text, /=== exit 7/);
    assert.match(text, /=== exit timeout/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('ssh to a closed port is reported unreachable (exit 255)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-exec-'));
  try {
    const r = await runCommand({ type: 'ssh', host: '127.0.0.1', port: 1, connectTimeoutSeconds: 3 }, 'true', { logFile: join(dir, 'l'), timeoutMs: 20_000 });
    assert.equal(r.code, 255);
    assert.equal(r.unreachable, true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
