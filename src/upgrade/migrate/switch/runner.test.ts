import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlinthError } from '../../../errors/index.js';
import { decideStart } from './decide.js';
import { newState, PhaseFailed, runPhases, type PhaseSpec } from './runner.js';
import { readState } from './state.js';

function phases(calls: string[], failAt?: string): PhaseSpec[] {
  return (['init', 'backup', 'clean', 'install'] as const).map((name) => ({
    name,
    title: `do ${name}`,
    ...(name === 'clean' ? { serving: 'none' as const } : name === 'install' ? { serving: 'new' as const } : {}),
    run: async (io) => {
      calls.push(name);
      await io.note(`${name} working`);
      if (name === failAt) throw new PlinthError('UPGRADE_SWITCH_HOST_FAILED', { host: 'h1', phase: name, command: 'false', detail: 'exited with 1', log: io.log, fix: '' });
      return `${name} ok`;
    },
  }));
}

test('a failing phase stops the run in a recorded state; a rerun resumes at that phase', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'plinth-runner-'));
  try {
    const calls: string[] = [];
    const specs = phases(calls, 'clean');
    const st = newState('switch', '/p.yaml', 'abc', dir, specs, 'old');
    const events: string[] = [];
    await assert.rejects(runPhases(dir, st, specs, (e) => events.push(`${e.type}:${e.phase.name}`)), (e: unknown) => e instanceof PhaseFailed && e.phase === 'clean');
    assert.deepEqual(calls, ['init', 'backup', 'clean']);
    const saved = await readState(dir);
    assert.equal(saved?.status, 'failed');
    assert.equal(saved?.serving, 'old');
    assert.deepEqual(saved?.phases.map((p) => p.status), ['done', 'done', 'failed', 'pending']);
    assert.equal(saved?.error?.phase, 'clean');
    assert.ok(typeof saved?.phases[0]?.durationMs === 'number');
    assert.match(await readFile(saved?.phases[2]?.log ?? '', 'utf8'), /clean working\n.*FAILED: host "h1"/);
    assert.ok(events.includes('note:init') && events.at(-1) === 'end:clean');

    // Resume: the state says where it stopped; a fixed clean runs, then install.
    const d = decideStart(saved, 'switch', { file: '/p.yaml', digest: 'abc' }, () => false);
    assert.equal(d.kind, 'resume');
    const again: string[] = [];
    const st2 = d.kind === 'resume' ? d.state : assert.fail();
    for (const p of st2.phases) if (p.status === 'failed') p.status = 'pending';
    const done = await runPhases(dir, st2, phases(again));
    assert.deepEqual(again, ['clean', 'install']);
    assert.equal(done.status, 'done');
    assert.equal(done.serving, 'new');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('decideStart refuses what must not run and says what to do', () => {
  const plan = { file: '/p.yaml', digest: 'abc' };
  const st = newState('switch', '/p.yaml', 'abc', '/w', phases([]), 'old');
  assert.equal(decideStart(undefined, 'switch', plan, () => false).kind, 'fresh');
  const running = decideStart({ ...st, pid: 999_999 }, 'switch', plan, () => true);
  assert.ok(running.kind === 'refuse' && /is running \(pid 999999/.test(running.detail));
  const done = decideStart({ ...st, status: 'done' }, 'switch', plan, () => false);
  assert.ok(done.kind === 'refuse' && /already completed/.test(done.detail) && /plinth upgrade rollback --plan \/p\.yaml/.test(done.fix));
  const changed = decideStart({ ...st, status: 'failed' }, 'switch', { ...plan, digest: 'other' }, () => false);
  assert.ok(changed.kind === 'refuse' && /plan changed/.test(changed.detail));
  const rbFailed = decideStart({ ...st, operation: 'rollback', status: 'failed' }, 'switch', plan, () => false);
  assert.ok(rbFailed.kind === 'refuse' && /finish it first/.test(rbFailed.fix));
  assert.equal(decideStart({ ...st, operation: 'rollback', status: 'done' }, 'switch', plan, () => false).kind, 'fresh');
  assert.equal(decideStart({ ...st, status: 'failed' }, 'rollback', plan, () => false).kind, 'fresh');
});
