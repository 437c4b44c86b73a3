// ReleasePlan on a real NEW cluster, with the release controllers (CellDeployment, ReleaseOrder, policy) and the
// plan controller running in this process:
//  - three stages from dependencies (config and db-proxy, a plain Deployment, before order, then web) through
//    confirmation with the real CLI; the plan confirms the apps' own release orders; history names the user;
//  - a failure in stage 2 (order's new image never gets Ready) pauses the plan naming the app; rollback through
//    the CLI returns the started apps in reverse dependency order, one after the other (seen by a watcher);
//  - one beta across all: every CellDeployment releases its beta batch, the plan waits; pause and resume
//    through the CLI reach the apps' release orders;
//  - the plan controller stopped mid-plan and started again continues: every app released once;
//  - bad input: a dependency cycle, an unknown application, two plans on the same app (and what admission
//    refuses at once: an unknown dependency, an app listed twice, a changed app list).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Deployment } from '@kubernetes/client-node';
import type { CellDeployment, ReleaseOrder, ReleasePlan } from '../src/api/index.js';
import { KubeApiError } from '../src/kube/api-error.js';
import { Informer } from '../src/kube/informer.js';
import { CORE, inNamespace, type KubeObject } from '../src/kube/resource.js';
import { RES } from '../src/release/keys.js';
import { cdRef, cellDeployment, ensureNamespace, eventually, getCd, orders, pods, runControllersInProcess, startReleaseCluster, waitPhase, type ReleaseEnv } from './support/release-env.js';
import {
  cli,
  cliOk,
  condition,
  deployment,
  getPlan,
  planRef,
  readinessProbe,
  releasePlan,
  runPlanController,
  waitDeploymentComplete,
  waitPlan,
} from './support/release-plan-env.js';

const img = (app: string, tag: string | number): string => `registry.local/${app}:${tag}`;
const app = (name: string, kind: 'CellDeployment' | 'Deployment', tag: string | number, dependsOn?: string[]) => ({
  name,
  kind,
  images: [{ container: 'web', image: img(name, tag) }],
  ...(dependsOn ? { dependsOn } : {}),
});
const image = (cd: CellDeployment): string | undefined => (cd.spec.template.spec as { containers: { image: string }[] }).containers[0]?.image;

describe('ReleasePlan', { timeout: 900_000 }, () => {
  let env: ReleaseEnv;
  let kubeconfig = '';
  let controllers: { stop: () => Promise<void> };
  let plans: { stop: () => Promise<void> } | undefined;
  before(async () => {
    env = await startReleaseCluster({ inPlaceDelayMs: 200 });
    kubeconfig = env.cluster.kubeconfigPath;
    controllers = runControllersInProcess(env.client);
    plans = runPlanController(env.client);
  });
  after(async () => {
    await plans?.stop();
    await controllers?.stop();
    await env?.stop();
  });

  /** The apps of the first tests: config, order, web (CellDeployments of 3 pods), db-proxy (a Deployment of 2). */
  async function shop(ns: string, opts: { orderGate?: string; orderDeadline?: number } = {}): Promise<void> {
    await ensureNamespace(env.client, ns);
    const c = env.client;
    for (const n of ['config', 'order', 'web']) {
      const cd = cellDeployment(ns, n, { replicas: 3, image: img(n, 1), strategy: n === 'order' && opts.orderDeadline ? { progressDeadlineSeconds: opts.orderDeadline } : {} });
      if (n === 'order' && opts.orderGate) (cd.spec.template.spec as Record<string, unknown>)['readinessGates'] = [{ conditionType: opts.orderGate }];
      await c.create(cdRef(ns), cd);
    }
    await c.create(inNamespace(CORE.deployments, ns), deployment(ns, 'db-proxy', img('db-proxy', 1)));
    for (const n of ['config', 'order', 'web']) await waitPhase(c, ns, n, 'Completed', 120_000);
    await waitDeploymentComplete(c, ns, 'db-proxy', img('db-proxy', 1));
  }

  test('three stages from dependencies, confirmed with the CLI; the plan drives the apps\' release orders', async () => {
    const ns = 'plan-shop';
    const c = env.client;
    await shop(ns);
    // order needs confirmation of its own batches: the plan's confirmation is the only one a person gives.
    await c.patch(cdRef(ns), 'order', { spec: { strategy: { needConfirm: true } } }, 'merge');
    await c.create(planRef(ns), releasePlan(ns, 'v2', {
      needConfirm: true,
      apps: [app('web', 'CellDeployment', 2, ['order']), app('order', 'CellDeployment', 2, ['config', 'db-proxy']), app('config', 'CellDeployment', 2), app('db-proxy', 'Deployment', 2)],
    }));
    let p = await waitPlan(c, ns, 'v2', (x) => x.status?.phase === 'WaitingForConfirm', 'stage 2 waits for confirmation');
    assert.deepEqual(p.status?.stages?.map((s) => s.apps), [['config', 'db-proxy'], ['order'], ['web']]);
    assert.deepEqual(p.status?.stages?.map((s) => s.phase), ['Succeeded', 'WaitingForConfirm', 'Pending']);
    assert.equal(image(await getCd(c, ns, 'config')), img('config', 2));
    assert.equal(image(await getCd(c, ns, 'order')), img('order', 1), 'order does not start before its stage is confirmed');
    assert.deepEqual(p.status?.apps?.find((a) => a.name === 'db-proxy')?.fromImages, [{ container: 'web', image: img('db-proxy', 1) }]);

    const status = await cliOk(kubeconfig, 'release', 'plan', 'status', 'v2', '-n', ns);
    assert.match(status, /Release plan plan-shop\/v2: WaitingForConfirm, stage 2\/3/);
    assert.match(status, /Next: confirm the next stage: plinth release plan confirm v2 -n plan-shop/);
    const confirmed = JSON.parse(await cliOk(kubeconfig, 'release', 'plan', 'confirm', 'v2', '-n', ns, '-o', 'json')) as { changed: boolean; by: { user: string }; stage: { number: number } };
    assert.equal(confirmed.changed, true);
    assert.equal(confirmed.stage.number, 2);
    assert.equal(confirmed.by.user, 'plinth-admin');

    p = await waitPlan(c, ns, 'v2', (x) => x.status?.stages?.[2]?.phase === 'WaitingForConfirm', 'stage 3 waits for confirmation');
    const orderRo = p.status?.apps?.find((a) => a.name === 'order')?.releaseOrder;
    assert.ok(orderRo, 'the plan names order\'s release order');
    const ro = await c.get<ReleaseOrder>(inNamespace(RES.releaseOrders, ns), orderRo);
    assert.equal(ro.status?.phase, 'Completed', 'the plan confirmed every batch of order\'s own release');
    assert.ok(ro.status?.history?.some((h) => h.action === 'Confirm' && /confirmed by ReleasePlan v2/.test(h.message ?? '')));
    await cliOk(kubeconfig, 'release', 'plan', 'confirm', 'v2', '-n', ns);
    p = await waitPlan(c, ns, 'v2', (x) => x.status?.phase === 'Completed', 'Completed');

    for (const n of ['config', 'order', 'web']) assert.equal(image(await getCd(c, ns, n)), img(n, 2));
    await waitDeploymentComplete(c, ns, 'db-proxy', img('db-proxy', 2));
    const h = p.status?.history ?? [];
    const at = (action: string, appName?: string): number => h.findIndex((e) => e.action === action && (appName === undefined || e.app === appName));
    assert.ok(at('AppCompleted', 'config') < at('AppStarted', 'order') && at('AppCompleted', 'db-proxy') < at('AppStarted', 'order'), 'order starts after both dependencies completed');
    assert.ok(at('AppCompleted', 'order') < at('AppStarted', 'web'));
    const users = h.filter((e) => e.by !== 'system:plinth').map((e) => `${e.action}#${e.stage ?? '-'} by ${e.by}`);
    assert.deepEqual(users, ['Confirm#1 by plinth-admin', 'Confirm#2 by plinth-admin']);
    const history = await cliOk(kubeconfig, 'release', 'plan', 'history', 'rplan/v2', '-n', ns);
    assert.match(history, /plinth-admin\s+Confirm\s+2/);
    assert.match(history, /system:plinth\s+Completed/);
  });

  test('a failure in stage 2 pauses the plan naming the app; rollback returns the apps in reverse order, one after the other', async () => {
    const ns = 'plan-fail';
    const c = env.client;
    const GATE = 'example.com/probe';
    const probe = readinessProbe(c, ns, GATE, img('order', 'bad'));
    const returned: string[] = [];
    const violations: string[] = [];
    const seenOrder: { cd?: CellDeployment } = {};
    const cds = new Informer<KubeObject>({ client: c, resource: inNamespace(RES.cellDeployments, ns), name: 'test-cds' });
    const deps = new Informer<KubeObject>({ client: c, resource: inNamespace(CORE.deployments, ns), name: 'test-deployments' });
    try {
      await shop(ns, { orderGate: GATE, orderDeadline: 3 });
      // The watcher: which app's template went back to its first image, in which order, and where order stood then.
      const back = (name: string, before: string | undefined, now: string | undefined): void => {
        if (before !== undefined && before !== now && now === img(name, 1) && !returned.includes(name)) {
          returned.push(name);
          if (returned.length > 1) {
            const o = seenOrder.cd;
            const done = o && image(o) === img('order', 1) && o.status?.phase === 'Completed' && o.status.observedGeneration === o.metadata.generation;
            if (!done) violations.push(`${name} returned before order had completed its rollback`);
          }
        }
      };
      cds.addHandler({
        onUpdate: (o, n) => {
          const cd = n as unknown as CellDeployment;
          if (cd.metadata.name === 'order') seenOrder.cd = cd;
          back(cd.metadata.name ?? '', image(o as unknown as CellDeployment), image(cd));
        },
      });
      deps.addHandler({ onUpdate: (o, n) => back((n as V1Deployment).metadata?.name ?? '', (o as V1Deployment).spec?.template.spec?.containers[0]?.image, (n as V1Deployment).spec?.template.spec?.containers[0]?.image) });
      cds.start();
      deps.start();
      await Promise.all([cds.synced, deps.synced]);

      await c.create(planRef(ns), releasePlan(ns, 'v2', {
        apps: [app('config', 'CellDeployment', 2), app('db-proxy', 'Deployment', 2), { ...app('order', 'CellDeployment', 'bad', ['config', 'db-proxy']) }, app('web', 'CellDeployment', 2, ['order'])],
      }));
      const paused = await waitPlan(c, ns, 'v2', (x) => x.status?.phase === 'Paused', 'Paused after order failed', 180_000);
      assert.equal(paused.spec.paused, true, 'the failure paused the plan like a person would');
      const failed = condition(paused, 'AppFailed');
      assert.equal(failed?.status, 'True');
      assert.match(failed?.message ?? '', /^app order failed in stage 2 \(order: ReleaseOrder order-\w+ is Stalled: .*\); fix it and resume the plan/);
      assert.deepEqual(paused.status?.stages?.map((s) => s.phase), ['Succeeded', 'Failed', 'Pending']);
      assert.equal(image(await getCd(c, ns, 'web')), img('web', 1), 'web never started');
      const status = await cliOk(kubeconfig, 'release', 'plan', 'status', 'v2', '-n', ns);
      assert.match(status, /Paused/);
      assert.match(status, /AppFailed=True/);

      const rb = await cliOk(kubeconfig, 'release', 'plan', 'rollback', 'v2', '-n', ns);
      assert.match(rb, /rollback requested: config, db-proxy, order return to their images from before the plan/);
      const done = await waitPlan(c, ns, 'v2', (x) => x.status?.phase === 'RolledBack', 'RolledBack', 240_000);
      assert.deepEqual(returned, ['order', 'db-proxy', 'config'], 'undone in reverse dependency order');
      assert.deepEqual(violations, []);
      for (const n of ['config', 'order']) {
        const cd = await waitPhase(c, ns, n, 'Completed');
        assert.equal(image(cd), img(n, 1));
      }
      await waitDeploymentComplete(c, ns, 'db-proxy', img('db-proxy', 1));
      assert.equal(done.status?.apps?.find((a) => a.name === 'web')?.phase, 'Pending');
      const hist = done.status?.history ?? [];
      const rolled = hist.filter((e) => e.action === 'AppRolledBack').map((e) => e.app);
      assert.deepEqual(rolled, ['order', 'db-proxy', 'config']);
      assert.ok(hist.some((e) => e.action === 'Rollback' && e.by === 'plinth-admin'), 'the rollback is recorded with who asked for it');
    } finally {
      await cds.stop();
      await deps.stop();
      await probe.stop();
    }
  });

  test('the plan controller stopped and started again mid-plan continues; every app is released once', async () => {
    const ns = 'plan-restart';
    const c = env.client;
    await ensureNamespace(c, ns);
    for (const n of ['a', 'b', 'c']) await c.create(cdRef(ns), cellDeployment(ns, n, { replicas: 3, image: img(n, 1), strategy: { drainSeconds: 2 } }));
    for (const n of ['a', 'b', 'c']) await waitPhase(c, ns, n, 'Completed', 120_000);
    const before = new Map<string, number>();
    for (const n of ['a', 'b', 'c']) before.set(n, (await orders(c, ns, n)).length);
    await c.create(planRef(ns), releasePlan(ns, 'v2', { apps: [app('a', 'CellDeployment', 2), app('b', 'CellDeployment', 2, ['a']), app('c', 'CellDeployment', 2, ['b'])] }));
    // Stop it twice: while a's release runs, and once b has been started.
    await waitPlan(c, ns, 'v2', (x) => x.status?.apps?.find((a) => a.name === 'a')?.phase === 'Progressing', 'a progressing');
    await plans!.stop();
    await eventually('a completed without the plan controller', async () => ((await getCd(c, ns, 'a')).status?.phase === 'Completed' ? true : undefined));
    assert.equal(image(await getCd(c, ns, 'b')), img('b', 1), 'nothing moves b while the plan controller is down');
    plans = runPlanController(c);
    await waitPlan(c, ns, 'v2', (x) => ['Starting', 'Progressing'].includes(x.status?.apps?.find((a) => a.name === 'b')?.phase ?? ''), 'b started');
    await plans.stop();
    plans = runPlanController(c);
    const done = await waitPlan(c, ns, 'v2', (x) => x.status?.phase === 'Completed', 'Completed', 180_000);
    for (const n of ['a', 'b', 'c']) {
      assert.equal(image(await getCd(c, ns, n)), img(n, 2));
      assert.equal((await orders(c, ns, n)).length, (before.get(n) ?? 0) + 1, `${n} was released once`);
      assert.equal(done.status?.history?.filter((e) => e.action === 'AppStarted' && e.app === n).length, 1);
      assert.deepEqual(done.status?.apps?.find((a) => a.name === n)?.fromImages, [{ container: 'web', image: img(n, 1) }], `${n}: the images before the plan, not after`);
    }
  });

  test('one beta across all: each CellDeployment releases its beta batch, then the plan waits; pause and resume reach the apps\' releases', async () => {
    const ns = 'plan-beta';
    const c = env.client;
    await ensureNamespace(c, ns);
    const units = ['zone-a', 'zone-b'];
    // api is the slower one (eight pods, one per batch after the beta), so that a pause finds its release running.
    for (const n of ['api', 'front']) await c.create(cdRef(ns), cellDeployment(ns, n, { replicas: n === 'api' ? 8 : 4, units, image: img(n, 1), strategy: { drainSeconds: 3 } }));
    await c.create(inNamespace(CORE.deployments, ns), deployment(ns, 'cache', img('cache', 1)));
    for (const n of ['api', 'front']) await waitPhase(c, ns, n, 'Completed', 120_000);
    await waitDeploymentComplete(c, ns, 'cache', img('cache', 1));
    await c.create(planRef(ns), releasePlan(ns, 'v2', { beta: true, apps: [app('api', 'CellDeployment', 2), app('cache', 'Deployment', 2), app('front', 'CellDeployment', 2, ['api'])] }));

    let p = await waitPlan(c, ns, 'v2', (x) => x.status?.phase === 'WaitingForConfirm', 'waiting after the beta stage');
    assert.deepEqual(p.status?.stages?.map((s) => [s.beta === true, s.apps, s.phase]), [[true, ['api', 'front'], 'Succeeded'], [false, ['api', 'cache'], 'WaitingForConfirm'], [false, ['front'], 'Pending']]);
    for (const n of ['api', 'front']) {
      const cd = await getCd(c, ns, n);
      assert.equal(cd.spec.strategy?.beta, true);
      assert.equal(cd.spec.strategy?.needConfirm, true);
      const onNew = (await pods(c, ns, n)).filter((x) => x.spec?.containers[0]?.image === img(n, 2));
      assert.equal(onNew.length, units.length, `${n}: only its beta batch (one pod per unit) runs the new image`);
    }
    const cache = await c.get<V1Deployment>(inNamespace(CORE.deployments, ns), 'cache');
    assert.equal(cache.spec?.template.spec?.containers[0]?.image, img('cache', 1), 'a plain Deployment has no beta batch: untouched in the beta stage');

    // Paused before the confirmation: the confirmed stage waits for the resume.
    await cliOk(kubeconfig, 'release', 'plan', 'pause', 'v2', '-n', ns);
    assert.match(await cliOk(kubeconfig, 'release', 'plan', 'confirm', 'v2', '-n', ns), /confirmed stage 2 of 3 \(api, cache\): spec.confirmedStages 0 → 1; it starts once the plan is resumed/);
    p = await waitPlan(c, ns, 'v2', (x) => x.status?.phase === 'Paused', 'Paused');
    const apiOrder = p.status?.apps?.find((a) => a.name === 'api')?.releaseOrder ?? '';
    assert.equal((await c.get<ReleaseOrder>(inNamespace(RES.releaseOrders, ns), apiOrder)).spec.confirmedBatches, 0);
    await cliOk(kubeconfig, 'release', 'plan', 'resume', 'v2', '-n', ns);
    await eventually('the plan confirmed api\'s remaining batches', async () => ((await c.get<ReleaseOrder>(inNamespace(RES.releaseOrders, ns), apiOrder)).spec.confirmedBatches > 0 ? true : undefined));
    await cliOk(kubeconfig, 'release', 'plan', 'pause', 'v2', '-n', ns);
    const held = await eventually('api\'s release paused by the plan', async () => {
      const o = await c.get<ReleaseOrder>(inNamespace(RES.releaseOrders, ns), apiOrder);
      return o.spec.paused ? o : undefined;
    });
    assert.notEqual(held.status?.phase, 'Completed');
    assert.equal((await getPlan(c, ns, 'v2')).status?.apps?.find((a) => a.name === 'api')?.pausedByPlan, true);
    await cliOk(kubeconfig, 'release', 'plan', 'resume', 'v2', '-n', ns);
    p = await waitPlan(c, ns, 'v2', (x) => x.status?.phase === 'Completed', 'Completed', 180_000);
    assert.equal((await c.get<ReleaseOrder>(inNamespace(RES.releaseOrders, ns), apiOrder)).spec.paused, false, 'resuming the plan resumed what it paused');
    for (const n of ['api', 'front']) assert.equal(image(await getCd(c, ns, n)), img(n, 2));
    await waitDeploymentComplete(c, ns, 'cache', img('cache', 2));
    for (const n of ['api', 'front']) {
      await eventually(`${n}: strategy.beta and needConfirm restored`, async () => {
        const st = (await getCd(c, ns, n)).spec.strategy;
        return st?.beta === false && st.needConfirm === false ? true : undefined;
      });
    }
    p = await waitPlan(c, ns, 'v2', (x) => (x.status?.apps ?? []).every((a) => a.strategyBefore === undefined), 'the restores recorded');
    const users = (p.status?.history ?? []).filter((e) => e.by !== 'system:plinth').map((e) => e.action);
    assert.deepEqual(users, ['Pause', 'Confirm', 'Resume', 'Pause', 'Resume']);
  });

  test('bad input: a cycle, an unknown application, two plans on one app — each flagged with what to change; admission refuses the rest', async () => {
    const ns = 'plan-bad';
    const c = env.client;
    await ensureNamespace(c, ns);
    for (const n of ['x', 'y']) await c.create(cdRef(ns), cellDeployment(ns, n, { replicas: 1, image: img(n, 1) }));
    for (const n of ['x', 'y']) await waitPhase(c, ns, n, 'Completed');

    await c.create(planRef(ns), releasePlan(ns, 'cycle', { apps: [app('x', 'CellDeployment', 2, ['y']), app('y', 'CellDeployment', 2, ['x'])] }));
    const cyc = await waitPlan(c, ns, 'cycle', (p) => p.status?.phase === 'Invalid', 'Invalid');
    assert.equal(condition(cyc, 'Valid')?.reason, 'DependencyCycle');
    assert.equal(condition(cyc, 'Valid')?.message, 'the dependencies form a cycle: x → y → x; remove one of these dependsOn entries');

    await c.create(planRef(ns), releasePlan(ns, 'ghost', { apps: [app('x', 'CellDeployment', 2), app('ghost', 'Deployment', 2, ['x'])] }));
    const ghost = await waitPlan(c, ns, 'ghost', (p) => p.status?.phase === 'Invalid', 'Invalid');
    assert.match(condition(ghost, 'Valid')?.message ?? '', /^app ghost: Deployment plan-bad\/ghost does not exist; create it \(the plan starts then\)/);
    assert.equal(image(await getCd(c, ns, 'x')), img('x', 1), 'an invalid plan changes nothing');

    // Two plans on y: the older runs, the newer waits with Conflict naming it.
    await c.delete(planRef(ns), 'cycle');
    await c.create(planRef(ns), releasePlan(ns, 'first', { needConfirm: true, apps: [app('y', 'CellDeployment', 2), app('x', 'CellDeployment', 2, ['y'])] }));
    await waitPlan(c, ns, 'first', (p) => p.status?.phase === 'WaitingForConfirm', 'first waits for its stage 2');
    await c.create(planRef(ns), releasePlan(ns, 'second', { apps: [app('y', 'CellDeployment', 3)] }));
    const second = await waitPlan(c, ns, 'second', (p) => condition(p, 'Conflict')?.status === 'True', 'Conflict=True');
    assert.equal(second.status?.phase, 'Pending');
    assert.match(condition(second, 'Conflict')?.message ?? '', /^app y is also in ReleasePlan first, which goes first/);
    assert.equal(image(await getCd(c, ns, 'y')), img('y', 2), 'the newer plan does not touch y');
    await c.patch(planRef(ns), 'first', { spec: { confirmedStages: 1 } }, 'merge');
    await waitPlan(c, ns, 'first', (p) => p.status?.phase === 'Completed', 'first Completed');
    await waitPlan(c, ns, 'second', (p) => p.status?.phase === 'Completed', 'second runs once first is done', 120_000);
    assert.equal(image(await getCd(c, ns, 'y')), img('y', 3));

    // Admission: what the schema can check is refused when written, with a message saying what to change.
    const refused = async (p: ReleasePlan, pattern: RegExp): Promise<void> => {
      await assert.rejects(c.create(planRef(ns), p), (err: unknown) => err instanceof KubeApiError && err.status === 422 && pattern.test(err.message));
    };
    await refused(releasePlan(ns, 'dup', { apps: [app('x', 'CellDeployment', 2), app('x', 'CellDeployment', 3)] }), /lists an app name twice/);
    await refused(releasePlan(ns, 'unknown', { apps: [app('x', 'CellDeployment', 2, ['nope'])] }), /dependsOn a name that is not in spec.apps; add that app to the plan or remove it from dependsOn/);
    await refused(releasePlan(ns, 'noimg', { apps: [{ name: 'x', kind: 'CellDeployment', images: [] }] }), /images/);
    const stored = await getPlan(c, ns, 'ghost');
    await assert.rejects(
      c.patch(planRef(ns), 'ghost', { spec: { apps: [app('x', 'CellDeployment', 2)] } }, 'merge'),
      (err: unknown) => err instanceof KubeApiError && /spec.apps is immutable once created; create a new ReleasePlan instead/.test(err.message),
    );
    assert.equal(stored.spec.apps.length, 2);
    const bad = await cli(kubeconfig, 'release', 'plan', 'confirm', 'ghost', '-n', ns);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /cannot confirm release plan plan-bad\/ghost: no stage waits for confirmation/);
  });
});
