import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReleasePlan } from '../../api/index.js';
import { conflictOf } from './conflict.js';

function p(name: string, created: string, apps: string[], phase?: string, startedApp = false): ReleasePlan {
  return {
    apiVersion: 'apps.plinth.dev/v1alpha1',
    kind: 'ReleasePlan',
    metadata: { name, namespace: 'ns', creationTimestamp: created },
    spec: { apps: apps.map((a) => ({ name: a, kind: 'CellDeployment', images: [{ container: 'web', image: `${a}:2` }] })), needConfirm: false, beta: false, confirmedStages: 0, paused: false, rollback: false },
    ...(phase ? { status: { phase: phase as 'Pending', apps: apps.map((a) => ({ name: a, kind: 'CellDeployment', phase: startedApp ? 'Progressing' : 'Pending' })) } } : {}),
  };
}

test('the older plan wins; the newer one is told which plan and app', () => {
  const a = p('a', '2026-12-07T10:00:00Z', ['web', 'order']);
  const b = p('b', '2026-12-07T10:01:00Z', ['order']);
  assert.equal(conflictOf(a, [a, b]), undefined);
  assert.deepEqual(conflictOf(b, [a, b]), { plan: 'a', app: 'order' });
});

test('a plan that already started goes first even if younger; finished or invalid plans do not count; other kinds do not clash', () => {
  const older = p('old', '2026-12-07T10:00:00Z', ['web'], 'Invalid');
  const running = p('new', '2026-12-07T10:05:00Z', ['web'], 'Progressing', true);
  assert.equal(conflictOf(running, [older, running]), undefined);
  const fixed = p('old', '2026-12-07T10:00:00Z', ['web'], 'Pending');
  assert.deepEqual(conflictOf(fixed, [fixed, running]), { plan: 'new', app: 'web' });
  assert.equal(conflictOf(p('c', '2026-12-07T11:00:00Z', ['web']), [p('d', '2026-12-07T09:00:00Z', ['web'], 'Completed')]), undefined);
  const dep = { ...p('e', '2026-12-07T12:00:00Z', []), spec: { ...p('e', '', []).spec, apps: [{ name: 'web', kind: 'Deployment' as const, images: [{ container: 'web', image: 'w:2' }] }] } };
  assert.equal(conflictOf(dep, [p('f', '2026-12-07T09:00:00Z', ['web'])]), undefined);
});
