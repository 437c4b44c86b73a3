import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeState, type RunState } from '../../upgrade/migrate/switch/state.js';
import { canRollback, readSwitches, switchItem, switchNames } from './switch-views.js';

function state(operation: RunState['operation'], status: RunState['status'], done: string[]): RunState {
  const names = ['init', 'backup', 'clean', 'install', 'import', 'verify'] as const;
  return {
    version: 1,
    operation,
    planFile: '/srv/plan.yaml',
    planDigest: 'x',
    pid: 1,
    status,
    startedAt: '2026-12-07T10:00:00.000Z',
    updatedAt: '2026-12-07T10:01:00.000Z',
    serving: 'new',
    phases: names.map((name) => ({ name, title: `do ${name}`, status: done.includes(name) ? 'done' : 'pending', log: `/srv/logs/${name}.log`, ...(done.includes(name) ? { startedAt: '2026-12-07T10:00:00.000Z', durationMs: 1500 } : {}) })),
  };
}

test('canRollback: a switch past init, or an unfinished rollback; not a switch that only checked, nor a completed rollback', () => {
  assert.equal(canRollback(state('switch', 'failed', ['init'])), false);
  assert.equal(canRollback(state('switch', 'failed', ['init', 'backup', 'clean'])), true);
  assert.equal(canRollback(state('switch', 'done', ['init', 'backup', 'clean', 'install', 'import', 'verify'])), true);
  assert.equal(canRollback(state('rollback', 'done', ['init', 'clean', 'install', 'verify'])), false);
  assert.equal(canRollback(state('rollback', 'failed', ['init', 'clean'])), true);
});

test('switchItem: phases with seconds and end times, the rollback command naming the plan', () => {
  const item = switchItem('work', '/srv/work', state('switch', 'done', ['init', 'backup']));
  assert.deepEqual(item.phases[1], { name: 'backup', title: 'do backup', phase: 'done', startedAt: '2026-12-07T10:00:00.000Z', finishedAt: '2026-12-07T10:00:01.500Z', seconds: 1.5, detail: '' });
  assert.equal(item.phases[2]!.seconds, null);
  assert.equal(item.rollbackCommand, 'plinth upgrade rollback --plan /srv/plan.yaml');
});

test('switchNames: base names as DNS labels, repeats numbered', () => {
  assert.deepEqual([...switchNames(['/a/Switch_Work', '/b/switch-work', '/c/x/'])].map(([n]) => n), ['switch-work', 'switch-work-2', 'x']);
});

test('readSwitches: only work directories with a state file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plinth-sw-'));
  try {
    await writeState(join(dir, 'one'), state('switch', 'running', ['init']));
    const items = await readSwitches(switchNames([join(dir, 'one'), join(dir, 'empty')]));
    assert.deepEqual(items.map((i) => [i.name, i.status]), [['one', 'running']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
