import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { holderIdentity, holderIsDeadHere, parseHolder } from './holder.js';

/** The identity a process with `pid` on this host would have had (same PID namespace as this test). */
function identityOf(pid: number): string {
  return holderIdentity('nightly').replace(`_${process.pid}_`, `_${pid}_`);
}

test('holderIdentity: names the run, this host and this process, and parses back', () => {
  const id = holderIdentity('nightly');
  assert.ok(id.startsWith('nightly@'), id);
  const h = parseHolder(id);
  assert.ok(h, id);
  assert.equal(h.host, hostname());
  assert.equal(h.pid, process.pid);
  assert.match(h.pidns, /^\d+$/);
  assert.match(h.boot, /^[0-9a-f]{8}$/);
  assert.notEqual(holderIdentity('nightly'), id, 'two identities of one process differ');
});

test('parseHolder: a host name with underscores and a run name with @ still parse; other shapes do not', () => {
  assert.deepEqual(parseHolder('a@b@my_host_12_4026531836_2a9a2b52_x1y2z'), { host: 'my_host', pid: 12, pidns: '4026531836', boot: '2a9a2b52' });
  const bad = ['upgrader-1', 'crashed@abort_123', 'r@host_12_x', 'r@host_0_1_2a9a2b52_abc', 'r@_12_3_2a9a2b52_abc', 'r@host_12_3_2A9A2B52_abc'];
  // The shape before the boot id was added: never judged, so its lease is waited out.
  bad.push('r@host_12_4026531836_x1y2z');
  for (const b of bad) assert.equal(parseHolder(b), undefined, b);
});

test('holderIsDeadHere: true for a process of this host that has exited, false while it runs', async () => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  const id = identityOf(child.pid!);
  assert.equal(holderIsDeadHere(id), false, 'a running process is alive');
  child.kill('SIGKILL');
  await once(child, 'exit');
  assert.equal(holderIsDeadHere(id), true, 'an exited process is dead');
});

test('holderIsDeadHere: never true for this process, another host, another PID namespace or a foreign identity', () => {
  assert.equal(holderIsDeadHere(holderIdentity('nightly')), false);
  const gone = 2 ** 22 + 12_345; // above the default pid_max: no such process
  const here = identityOf(gone);
  assert.equal(holderIsDeadHere(here), true, 'the control case: a pid nobody has');
  assert.equal(holderIsDeadHere(here.replace(`@${hostname()}_`, '@elsewhere_')), false, 'another host');
  const h = parseHolder(here)!;
  const id = (pidns: string, b: string): string => `nightly@${hostname()}_${gone}_${pidns}_${b}_abcde`;
  assert.equal(holderIsDeadHere(id(h.pidns, h.boot)), true, 'the control case, built by hand');
  assert.equal(holderIsDeadHere(id('1', h.boot)), false, 'another PID namespace');
  assert.equal(holderIsDeadHere(id('0', h.boot)), false, 'unknown PID namespace');
  assert.equal(holderIsDeadHere(id(h.pidns, h.boot === 'deadbeef' ? 'feedbeef' : 'deadbeef')), false, 'another machine of the same host name');
  assert.equal(holderIsDeadHere(id(h.pidns, '0')), false, 'unknown boot');
  assert.equal(holderIsDeadHere('crashed@abort_123'), false, 'an identity of another shape');
});
