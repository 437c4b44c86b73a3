// Fault test: the Plinth manager (CellDeployment, ReleaseOrder and ReleasePlan controllers) runs in a child
// process that is SIGKILLed at random moments during one plan of four apps in three stages, and restarted each
// time. The plan completes; every app is released once (one new ReleaseOrder per CellDeployment), its images
// from before the plan are the ones recorded, and every stage and app started once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CellDeployment } from '../src/api/index.js';
import { CORE, inNamespace } from '../src/kube/resource.js';
import { cdRef, cellDeployment, ensureNamespace, getCd, orders, sleep, startReleaseCluster, waitPhase, type ReleaseEnv } from './support/release-env.js';
import { deployment, getPlan, planRef, releasePlan, waitDeploymentComplete, waitPlan } from './support/release-plan-env.js';
import { prng } from './support/prng.js';

const KILLS = 12;
const MIN_KILLS = 4;

/** The manager child: `working` resolves once its three controllers synced (or it exited). */
class Manager {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  working: Promise<void> = Promise.resolve();
  constructor(private readonly kubeconfig: string, private readonly log: WriteStream) {}

  start(): void {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/release-plan-manager.ts'], { env: { ...process.env, KUBECONFIG: this.kubeconfig, PLINTH_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.pipe(this.log, { end: false });
    let synced = 0;
    this.working = new Promise((resolve) => {
      createInterface({ input: child.stderr }).on('line', (line) => {
        if (line.includes('caches synced; starting workers') && ++synced === 3) resolve();
      });
      child.once('exit', () => resolve());
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.child = child;
  }

  async kill(): Promise<void> {
    if (!this.child) return;
    this.log.write(`--- SIGKILL at ${new Date().toISOString()}\n`);
    this.child.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }
}

const img = (app: string, tag: number): string => `registry.local/${app}:${tag}`;
const image = (cd: CellDeployment): string | undefined => (cd.spec.template.spec as { containers: { image: string }[] }).containers[0]?.image;

describe('release plan controller killed at random moments', { timeout: 900_000 }, () => {
  let env: ReleaseEnv;
  let manager: Manager;
  let log: WriteStream;
  before(async () => {
    env = await startReleaseCluster({ inPlaceDelayMs: 200 });
    log = createWriteStream(join(env.cluster.stateDir, 'manager-plan-kill.log'));
    manager = new Manager(env.cluster.kubeconfigPath, log);
    manager.start();
  });
  after(async () => {
    await manager?.kill();
    log?.end();
    await env?.stop();
  });

  test(`a plan of four apps completes through up to ${KILLS} SIGKILLs; every app released once`, async () => {
    const seed = Number(process.env.PLINTH_KILL_SEED ?? Date.now() % 100000);
    const random = prng(seed);
    const ns = 'plan-kill';
    const c = env.client;
    await ensureNamespace(c, ns);
    for (const n of ['a', 'b', 'c']) await c.create(cdRef(ns), cellDeployment(ns, n, { replicas: 3, image: img(n, 1), strategy: { drainSeconds: 2 } }));
    await c.create(inNamespace(CORE.deployments, ns), deployment(ns, 'd', img('d', 1)));
    for (const n of ['a', 'b', 'c']) await waitPhase(c, ns, n, 'Completed', 120_000);
    await waitDeploymentComplete(c, ns, 'd', img('d', 1));
    const before = new Map<string, number>();
    for (const n of ['a', 'b', 'c']) before.set(n, (await orders(c, ns, n)).length);
    const app = (name: string, kind: 'CellDeployment' | 'Deployment', dependsOn?: string[]) => ({ name, kind, images: [{ container: 'web', image: img(name, 2) }], ...(dependsOn ? { dependsOn } : {}) });
    await c.create(planRef(ns), releasePlan(ns, 'v2', { apps: [app('a', 'CellDeployment'), app('d', 'Deployment'), app('b', 'CellDeployment', ['a', 'd']), app('c', 'CellDeployment', ['b'])] }));

    let kills = 0;
    const done = async (): Promise<boolean> => (await getPlan(c, ns, 'v2')).status?.phase === 'Completed';
    while (kills < KILLS && !(await done())) {
      await manager.working;
      await sleep(random() * 2000);
      await manager.kill();
      kills++;
      manager.start();
    }
    const plan = await waitPlan(c, ns, 'v2', (p) => p.status?.phase === 'Completed', 'Completed', 180_000);
    process.stdout.write(`# plan kill test: seed ${seed}, ${kills} SIGKILLs\n`);
    assert.ok(kills >= MIN_KILLS, `only ${kills} kills happened during the plan (seed ${seed})`);

    for (const n of ['a', 'b', 'c']) {
      assert.equal(image(await getCd(c, ns, n)), img(n, 2));
      assert.equal((await orders(c, ns, n)).length, (before.get(n) ?? 0) + 1, `${n} was released once (seed ${seed})`);
    }
    await waitDeploymentComplete(c, ns, 'd', img('d', 2));
    const h = plan.status?.history ?? [];
    for (const n of ['a', 'b', 'c', 'd']) {
      assert.equal(h.filter((e) => e.action === 'AppStarted' && e.app === n).length, 1, `${n} started once (seed ${seed})`);
      assert.equal(h.filter((e) => e.action === 'AppCompleted' && e.app === n).length, 1, `${n} completed once (seed ${seed})`);
      assert.deepEqual(plan.status?.apps?.find((a) => a.name === n)?.fromImages, [{ container: 'web', image: img(n, 1) }], `${n}: the images from before the plan (seed ${seed})`);
    }
    assert.deepEqual(h.filter((e) => e.action === 'StageStarted').map((e) => e.stage), [0, 1, 2], 'every stage started once, in order');
  });
});
