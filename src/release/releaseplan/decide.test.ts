import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReleasePlan, ReleasePlanSpecT } from '../../api/index.js';
import { decide } from './decide.js';
import type { AppObs, DecideOutput, PlanAction } from './types.js';

const NOW = new Date('2026-12-07T10:00:00Z');

function plan(spec: Partial<ReleasePlanSpecT>, status?: ReleasePlan['status']): ReleasePlan {
  return {
    apiVersion: 'apps.plinth.dev/v1alpha1',
    kind: 'ReleasePlan',
    metadata: { name: 'p', namespace: 'ns', generation: 1, creationTimestamp: '2026-12-07T09:00:00Z' },
    spec: {
      apps: [
        { name: 'config', kind: 'CellDeployment', images: [{ container: 'web', image: 'config:2' }] },
        { name: 'db-proxy', kind: 'Deployment', images: [{ container: 'web', image: 'db:2' }] },
        { name: 'order', kind: 'CellDeployment', images: [{ container: 'web', image: 'order:2' }], dependsOn: ['config', 'db-proxy'] },
        { name: 'web', kind: 'CellDeployment', images: [{ container: 'web', image: 'web:2' }], dependsOn: ['order'] },
      ],
      needConfirm: false,
      beta: false,
      confirmedStages: 0,
      paused: false,
      rollback: false,
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

const at = (image: string, o: Partial<AppObs> = {}): AppObs => ({ exists: true, images: { web: image }, settled: true, state: 'Completed', paused: false, ...o });

/** Runs decide repeatedly, feeding the status back, with apps as `see` says after each step. */
function run(p: ReleasePlan, see: (p: ReleasePlan) => Map<string, AppObs>, steps = 1): { plan: ReleasePlan; out: DecideOutput } {
  let cur = p;
  let out: DecideOutput | undefined;
  for (let i = 0; i < steps; i++) {
    out = decide({ plan: cur, apps: see(cur), now: NOW });
    cur = { ...cur, status: out.status };
  }
  return { plan: cur, out: out! };
}

const old = (): Map<string, AppObs> => new Map([['config', at('config:1')], ['db-proxy', at('db:1')], ['order', at('order:1')], ['web', at('web:1')]]);
const sets = (actions: PlanAction[]): string[] => actions.filter((a) => a.type === 'setImages').map((a) => (a.type === 'setImages' ? `${a.app}=${a.images.map((i) => i.image).join()}` : ''));

test('a valid plan stores its stages and starts the first: fromImages recorded before the images are set', () => {
  const { out } = run(plan({}), old);
  assert.deepEqual(out.status.stages?.map((s) => s.apps), [['config', 'db-proxy'], ['order'], ['web']]);
  assert.equal(out.status.phase, 'Progressing');
  assert.deepEqual(sets(out.actions), ['config=config:2', 'db-proxy=db:2']);
  const config = out.status.apps?.find((a) => a.name === 'config');
  assert.deepEqual(config?.fromImages, [{ container: 'web', image: 'config:1' }]);
  assert.equal(config?.phase, 'Starting');
  assert.equal(out.status.conditions?.find((c) => c.type === 'Valid')?.status, 'True');
});

test('a cycle or a missing app makes the plan Invalid with a message saying what to change; nothing is touched', () => {
  const cyc = plan({ apps: [{ name: 'a', kind: 'CellDeployment', images: [{ container: 'web', image: 'a:2' }], dependsOn: ['b'] }, { name: 'b', kind: 'CellDeployment', images: [{ container: 'web', image: 'b:2' }], dependsOn: ['a'] }] });
  const r = decide({ plan: cyc, apps: new Map([['a', at('a:1')], ['b', at('b:1')]]), now: NOW });
  assert.equal(r.status.phase, 'Invalid');
  assert.match(r.status.conditions?.find((c) => c.type === 'Valid')?.message ?? '', /cycle: a → b → a; remove one/);
  assert.deepEqual(r.actions, []);
  const apps = old();
  apps.set('web', { exists: false, images: {}, settled: false, state: 'Progressing', paused: false });
  const m = decide({ plan: plan({}), apps, now: NOW });
  assert.equal(m.status.phase, 'Invalid');
  assert.match(m.status.conditions?.find((c) => c.type === 'Valid')?.message ?? '', /app web: CellDeployment ns\/web does not exist; create it/);
  assert.deepEqual(m.actions, []);
});

test('a plan sharing an app with one that goes first waits with Conflict=True naming it', () => {
  const r = decide({ plan: plan({}), apps: old(), conflict: { plan: 'older', app: 'order' }, now: NOW });
  assert.equal(r.status.phase, 'Pending');
  const c = r.status.conditions?.find((x) => x.type === 'Conflict');
  assert.equal(c?.status, 'True');
  assert.match(c?.message ?? '', /app order is also in ReleasePlan older/);
  assert.deepEqual(r.actions, []);
  assert.ok(r.requeueAfterMs !== undefined, 'the other plan does not tell this one when it finishes: it looks again');
});

test('stages run in order; with needConfirm stage 2 waits for confirmedStages 1, and a confirmed stage confirms the apps\' orders', () => {
  let images = old();
  const see = (): Map<string, AppObs> => images;
  let { plan: p, out } = run(plan({ needConfirm: true }), see);
  images = new Map([...images, ['config', at('config:2')], ['db-proxy', at('db:2')]]);
  ({ plan: p, out } = run(p, see, 2));
  assert.equal(out.status.phase, 'WaitingForConfirm');
  assert.equal(out.status.stages?.[1]?.phase, 'WaitingForConfirm');
  assert.deepEqual(sets(out.actions), []);
  p = { ...p, spec: { ...p.spec, confirmedStages: 1 } };
  images.set('order', at('order:1'));
  ({ plan: p, out } = run(p, see));
  assert.deepEqual(sets(out.actions), ['order=order:2']);
  images.set('order', at('order:2', { state: 'Progressing', order: { name: 'order-r2', phase: 'WaitingForConfirm', batches: 3, confirmedBatches: 0, paused: false, firstBatchDone: true } }));
  ({ plan: p, out } = run(p, see));
  assert.deepEqual(out.actions.filter((a) => a.type === 'confirmOrder'), [{ type: 'confirmOrder', app: 'order', order: 'order-r2', confirmedBatches: 2, stage: 1 }]);
  assert.equal(p.status?.apps?.find((a) => a.name === 'order')?.releaseOrder, 'order-r2');
});

test('beta: stage 1 holds every CellDeployment after its beta batch; the next stage waits for confirmation even without needConfirm', () => {
  let images = old();
  const see = (): Map<string, AppObs> => images;
  let { plan: p, out } = run(plan({ beta: true }), see);
  assert.deepEqual(out.status.stages?.map((s) => [s.beta === true, s.apps]), [[true, ['config', 'order', 'web']], [false, ['config', 'db-proxy']], [false, ['order']], [false, ['web']]]);
  const beta = out.actions.filter((a) => a.type === 'setImages');
  assert.deepEqual(beta.map((a) => a.type === 'setImages' && [a.app, a.holdAfterBeta]), [['config', true], ['order', true], ['web', true]]);
  const ro = (name: string, first: boolean) => ({ name, phase: 'WaitingForConfirm', batches: 3, confirmedBatches: 0, paused: false, firstBatchDone: first });
  images = new Map([...images, ['config', at('config:2', { state: 'Progressing', order: ro('c', true) })], ['order', at('order:2', { state: 'Progressing', order: ro('o', true) })], ['web', at('web:2', { state: 'Progressing', order: ro('w', false) })]]);
  ({ plan: p, out } = run(p, see, 2));
  assert.equal(out.status.stages?.[0]?.phase, 'Running', 'web has not finished its beta batch');
  assert.equal(out.actions.filter((a) => a.type === 'confirmOrder').length, 0, 'no order is confirmed in the beta stage');
  images.set('web', at('web:2', { state: 'Progressing', order: ro('w', true) }));
  ({ plan: p, out } = run(p, see));
  assert.equal(out.status.phase, 'WaitingForConfirm');
  assert.equal(out.status.stages?.[1]?.phase, 'WaitingForConfirm');
});

test('an app that fails pauses the plan with AppFailed naming it; rollback undoes the started apps in reverse dependency order, one at a time', () => {
  let images = old();
  const see = (): Map<string, AppObs> => images;
  let { plan: p, out } = run(plan({}), see);
  images = new Map([...images, ['config', at('config:2')], ['db-proxy', at('db:2')]]);
  ({ plan: p, out } = run(p, see, 2));
  images.set('order', at('order:2', { state: 'Failed', message: 'ReleaseOrder order-r2 is Stalled: pods not Ready', order: { name: 'order-r2', phase: 'Progressing', batches: 2, confirmedBatches: 1, paused: false, firstBatchDone: false } }));
  ({ plan: p, out } = run(p, see, 2));
  assert.equal(out.status.phase, 'Paused');
  assert.ok(out.actions.some((a) => a.type === 'pausePlan'));
  assert.match(out.status.conditions?.find((c) => c.type === 'AppFailed')?.message ?? '', /app order failed in stage 2 \(order: ReleaseOrder order-r2 is Stalled/);
  p = { ...p, spec: { ...p.spec, paused: true, rollback: true } };
  const undone: string[] = [];
  for (let i = 0; i < 12 && p.status?.phase !== 'RolledBack'; i++) {
    ({ plan: p, out } = run(p, see));
    for (const a of out.actions) {
      if (a.type !== 'setImages') continue;
      if (!undone.includes(a.app)) undone.push(a.app);
      images.set(a.app, at(a.images[0]!.image));
    }
  }
  assert.equal(p.status?.phase, 'RolledBack');
  assert.deepEqual(undone, ['order', 'db-proxy', 'config']);
  assert.equal(p.status?.apps?.find((a) => a.name === 'web')?.phase, 'Pending', 'web never started: nothing to undo');
  assert.deepEqual([...images].map(([n, o]) => `${n}=${o.images['web']}`), ['config=config:1', 'db-proxy=db:1', 'order=order:1', 'web=web:1']);
  const actions = p.status?.history?.map((h) => h.action) ?? [];
  assert.ok(actions.indexOf('AppRolledBack') > actions.indexOf('RollbackStarted'));
});

test('pause reaches the running apps and resume releases only what the plan paused', () => {
  let images = old();
  const see = (): Map<string, AppObs> => images;
  let { plan: p } = run(plan({}), see);
  const ro = { name: 'config-r2', phase: 'Progressing', batches: 2, confirmedBatches: 1, paused: false, firstBatchDone: false };
  images = new Map([...images, ['config', at('config:2', { state: 'Progressing', order: ro })], ['db-proxy', at('db:2', { state: 'Progressing' })]]);
  p = { ...p, spec: { ...p.spec, paused: true } };
  let out: DecideOutput;
  ({ plan: p, out } = run(p, see));
  assert.equal(out.status.phase, 'Paused');
  assert.deepEqual(out.actions.filter((a) => a.type === 'pauseApp').map((a) => a.type === 'pauseApp' && [a.app, a.order, a.paused]), [['config', 'config-r2', true], ['db-proxy', undefined, true]]);
  images.set('config', at('config:2', { state: 'Progressing', paused: true, order: { ...ro, paused: true } }));
  images.set('db-proxy', at('db:2', { state: 'Progressing', paused: true }));
  p = { ...p, spec: { ...p.spec, paused: false } };
  ({ plan: p, out } = run(p, see));
  assert.equal(out.status.phase, 'Progressing');
  assert.equal(out.actions.filter((a) => a.type === 'pauseApp' && !a.paused).length, 2);
  assert.ok(p.status?.history?.some((h) => h.action === 'Resumed'));
});

test('beta: the strategy fields the beta stage set are restored once the app is done', () => {
  const images = old();
  for (const n of ['config', 'order', 'web']) images.set(n, at(`${n}:1`, { strategy: { beta: false, needConfirm: false } }));
  const see = (): Map<string, AppObs> => images;
  let { plan: p, out } = run(plan({ beta: true, apps: [{ name: 'config', kind: 'CellDeployment', images: [{ container: 'web', image: 'config:2' }] }] }), see);
  assert.deepEqual(out.status.apps?.[0]?.strategyBefore, { beta: false, needConfirm: false });
  images.set('config', at('config:2', { state: 'Progressing', strategy: { beta: true, needConfirm: true }, order: { name: 'c', phase: 'WaitingForConfirm', batches: 2, confirmedBatches: 0, paused: false, firstBatchDone: true } }));
  ({ plan: p, out } = run(p, see, 2));
  assert.equal(out.status.phase, 'WaitingForConfirm');
  assert.equal(out.actions.filter((a) => a.type === 'restoreStrategy').length, 0, 'not while the app still releases');
  p = { ...p, spec: { ...p.spec, confirmedStages: 1 } };
  images.set('config', at('config:2', { strategy: { beta: true, needConfirm: true } }));
  ({ plan: p, out } = run(p, see));
  assert.equal(out.status.phase, 'Completed');
  ({ plan: p, out } = run(p, see));
  assert.deepEqual(out.actions, [{ type: 'restoreStrategy', app: 'config', strategy: { beta: false, needConfirm: false } }]);
  assert.ok(out.requeueAfterMs !== undefined, 'a finished plan still retries the restore');
  images.set('config', at('config:2', { strategy: { beta: false, needConfirm: false } }));
  ({ plan: p, out } = run(p, see));
  assert.deepEqual(out.actions, []);
  assert.equal(p.status?.apps?.[0]?.strategyBefore, undefined);
  assert.ok(p.status?.history?.some((h) => h.action === 'StrategyRestored'));
});
