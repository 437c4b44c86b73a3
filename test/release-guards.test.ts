// Release guards on a real cluster (NEW version), controllers in this process, each scenario in its own namespace:
//  - a batch whose pods never become Ready (a readiness gate nobody sets) marks its ReleaseOrder and the
//    CellDeployment Stalled after strategy.progressDeadlineSeconds, with a Warning Event naming the cause and
//    the pods; once the pods become Ready the release goes on and Stalled goes False;
//  - pre-checks a ReleasePolicy does not configure are listed Skipped in the order's status, never Passed;
//    kubectl get's Batch column counts from 1;
//  - a ReleasePolicy with a broken blackout window (cron out of range, unknown time zone) gets Valid=False and a
//    Warning Event within seconds of the apply, naming the fields and values; Valid=True once fixed;
//  - a release whose controllers stopped with pods drained (a manager that died) and came back late: the order
//    is Stalled at once, naming the drained pods, and the condition clears as the release goes on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import type { ReleasePolicy } from '../src/api/index.js';
import { CORE, inNamespace } from '../src/kube/resource.js';
import { RELEASE_POLICIES } from '../src/release/policy/checks.js';
import { RELEASE_API_VERSION } from '../src/release/keys.js';
import { runCellDeploymentController, runReleaseOrderController } from '../src/release/modules.js';
import { logger } from '../src/kube/log.js';
import {
  cdRef,
  cellDeployment,
  currentOrderName,
  ensureNamespace,
  eventually,
  getCd,
  patchCd,
  pods,
  gate,
  releaseSuite,
  setImage,
  sleep,
  startReleaseCluster,
  waitOrder,
  waitPhase,
  type ReleaseEnv,
} from './support/release-env.js';

const NEVER = 'example.com/warmed-up';

interface EventLike {
  type?: string;
  reason?: string;
  message?: string;
  note?: string;
  involvedObject?: { name?: string };
  regarding?: { name?: string };
}

describe('release guards', () => {
  const suite = releaseSuite();

  async function events(ns: string, name: string): Promise<EventLike[]> {
    const list = await suite.env.client.list<EventLike>(inNamespace(CORE.events, ns));
    return list.items.filter((e) => e.involvedObject?.name === name || e.regarding?.name === name);
  }

  const condition = (o: { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } }, type: string) =>
    o.status?.conditions?.find((c) => c.type === type);

  test('a batch whose pods never become Ready is Stalled, naming them; progress clears it', async () => {
    const ns = 'guard-stall';
    const c = suite.env.client;
    await ensureNamespace(c, ns);
    await c.create(cdRef(ns), cellDeployment(ns, 'web', { replicas: 3, strategy: { batchSize: 3, progressDeadlineSeconds: 3 } }));
    await waitPhase(c, ns, 'web', 'Completed');
    const before = (await getCd(c, ns, 'web')).status?.releaseOrder;
    // A readiness gate nobody sets: the recreated pods stay not Ready (out of traffic).
    await patchCd(c, ns, 'web', { spec: { template: { spec: { readinessGates: [{ conditionType: NEVER }] } } } });
    const name = await currentOrderName(c, ns, 'web', before);
    const stalled = await waitOrder(c, ns, name, (o) => condition(o, 'Stalled')?.status === 'True', 'Stalled=True');
    const cond = condition(stalled, 'Stalled')!;
    assert.equal(cond.reason, 'PodsNotReady');
    const batchPods = stalled.status!.batches![0]!.pods;
    for (const p of batchPods) assert.ok(cond.message!.includes(p), `${p} named in: ${cond.message}`);
    assert.match(cond.message!, /no progress for \d+s \(strategy\.progressDeadlineSeconds 3 \+ drainSeconds 1\) in batch 1: on revision \w+ but not Ready/);
    assert.equal(stalled.status?.batches?.[0]?.phase, 'Running');
    const cd = await eventually('the CellDeployment shows Stalled', async () => {
      const x = await getCd(c, ns, 'web');
      return condition(x, 'Stalled')?.status === 'True' ? x : undefined;
    });
    assert.equal(condition(cd, 'Stalled')?.reason, 'PodsNotReady');
    const warned = await eventually('a Warning Event Stalled', async () => (await events(ns, name)).find((e) => e.type === 'Warning' && e.reason === 'Stalled'));
    assert.match(warned.message ?? warned.note ?? '', /PodsNotReady: no progress/);

    // The pods become Ready: the release goes on, Stalled goes False.
    const current: V1Pod[] = await pods(c, ns, 'web');
    for (const p of current) {
      await c.patch(inNamespace(CORE.pods, ns), p.metadata!.name!, { status: { conditions: [{ type: NEVER, status: 'True' }] } }, 'strategic', { subresource: 'status' });
    }
    const done = await waitOrder(c, ns, name, (o) => o.status?.phase === 'Completed', 'Completed');
    assert.equal(condition(done, 'Stalled')?.status, 'False');
    assert.equal(condition(done, 'Stalled')?.reason, 'ProgressResumed');
    await eventually('the CellDeployment shows Stalled False', async () => (condition(await getCd(c, ns, 'web'), 'Stalled')?.status === 'False' ? true : undefined));
  });

  test('pre-checks a policy does not configure are listed Skipped, never Passed', async () => {
    const ns = 'guard-skipped';
    const c = suite.env.client;
    await ensureNamespace(c, ns);
    const cd = cellDeployment(ns, 'web', { replicas: 3, strategy: { batchSize: 3 } });
    cd.metadata.labels = { app: 'web' };
    await c.create(cdRef(ns), cd);
    await waitPhase(c, ns, 'web', 'Completed');
    // A policy with only a blackout window that is never in force: conflicts and parameters are not configured.
    await c.create(inNamespace(RELEASE_POLICIES, ns), {
      apiVersion: RELEASE_API_VERSION,
      kind: 'ReleasePolicy',
      metadata: { name: 'quiet', namespace: ns },
      spec: { selector: { matchLabels: { app: 'web' } }, preChecks: { blackoutWindows: [{ name: 'never', timeZone: 'UTC', cron: '0 0 1 1 *', durationMinutes: 1 }] } },
    });
    const before = (await getCd(c, ns, 'web')).status?.releaseOrder;
    await patchCd(c, ns, 'web', { spec: { template: { spec: { containers: [{ name: 'web', image: 'registry.local/web:2', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } } });
    const name = await currentOrderName(c, ns, 'web', before);
    const o = await waitOrder(c, ns, name, (x) => x.status?.phase === 'Completed', 'Completed');
    const results = Object.fromEntries((o.status?.checks ?? []).map((x) => [x.name, x.result]));
    assert.deepEqual(results, { 'quiet/blackout': 'Passed', 'quiet/conflicts': 'Skipped', 'quiet/parameters': 'Skipped' });
    // kubectl get releaseorders counts batches from 1, like the CLI: the one batch is "1/1", not 0.
    const table = await c.request<{ columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { metadata: { name: string } } }[] }>({
      method: 'GET',
      path: `/apis/apps.plinth.dev/v1alpha1/namespaces/${ns}/releaseorders`,
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    const col = table.columnDefinitions.findIndex((d) => d.name === 'Batch');
    const row = table.rows.find((r) => r.object.metadata.name === name);
    assert.equal(row?.cells[col], '1/1');
  });

  test('a ReleasePolicy with a broken blackout window gets Valid=False and a Warning Event within seconds; Valid=True once fixed', async () => {
    const ns = 'guard-policy';
    const c = suite.env.client;
    await ensureNamespace(c, ns);
    const ref = inNamespace(RELEASE_POLICIES, ns);
    const window = { name: 'peak', timeZone: 'Europe/Londn', cron: '61 25 * * 8', durationMinutes: 60 };
    await c.create(ref, { apiVersion: RELEASE_API_VERSION, kind: 'ReleasePolicy', metadata: { name: 'peak', namespace: ns }, spec: { selector: {}, preChecks: { blackoutWindows: [window] } } });
    const applied = Date.now();
    const bad = await eventually('Valid=False', async () => {
      const p = await c.get<ReleasePolicy>(ref, 'peak');
      return condition(p, 'Valid')?.status === 'False' ? p : undefined;
    }, 10_000);
    assert.ok(Date.now() - applied < 10_000);
    const v = condition(bad, 'Valid')!;
    assert.equal(v.reason, 'InvalidPolicy');
    assert.match(v.message!, /spec\.preChecks\.blackoutWindows\[0\]\.timeZone: unknown time zone "Europe\/Londn"/);
    assert.match(v.message!, /spec\.preChecks\.blackoutWindows\[0\]\.cron: "61 25 \* \* 8" is not a valid cron expression/);
    const warned = await eventually('a Warning Event InvalidPolicy', async () => (await events(ns, 'peak')).find((e) => e.type === 'Warning' && e.reason === 'InvalidPolicy'), 10_000);
    assert.match(warned.message ?? warned.note ?? '', /Europe\/Londn/);
    await c.patch(ref, 'peak', { spec: { preChecks: { blackoutWindows: [{ ...window, timeZone: 'Europe/London', cron: '0 9 * * 1-5' }] } } }, 'merge');
    await eventually('Valid=True', async () => (condition(await c.get<ReleasePolicy>(ref, 'peak'), 'Valid')?.status === 'True' ? true : undefined), 10_000);
  });
});

describe('a release behind a manager that died and came back late', () => {
  let env: ReleaseEnv | undefined;
  before(async () => {
    env = await startReleaseCluster({ nodes: 3 });
  });
  after(async () => {
    await env?.stop();
  });

  /** One release controller in this process until the returned stop is called. */
  function run(controller: typeof runReleaseOrderController | typeof runCellDeploymentController): () => Promise<void> {
    const ac = new AbortController();
    const running = controller({ client: env!.client, signal: ac.signal, log: logger('test-late-manager') });
    return async () => {
      ac.abort();
      await running;
    };
  }

  const stalledOf = (o: { status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] } }) =>
    o.status?.conditions?.find((x) => x.type === 'Stalled');

  test('the order is Stalled at once naming the drained pods; it clears as the release goes on', async () => {
    const c = env!.client;
    const ns = 'guard-late';
    await ensureNamespace(c, ns);
    let stopOrders = run(runReleaseOrderController);
    let stopPods = run(runCellDeploymentController);
    await c.create(cdRef(ns), cellDeployment(ns, 'web', { replicas: 3, strategy: { batchSize: 3, drainSeconds: 2, progressDeadlineSeconds: 2 } }));
    await waitPhase(c, ns, 'web', 'Completed');
    const before = (await getCd(c, ns, 'web')).status?.releaseOrder;
    await setImage(c, ns, 'web', 'registry.local/web:2');
    const name = await currentOrderName(c, ns, 'web', before);
    // The manager dies while the batch's pods are out of traffic.
    await eventually('pods taken out of traffic', async () => ((await pods(c, ns, 'web')).some((p) => gate(p) === 'False') ? true : undefined));
    await Promise.all([stopPods(), stopOrders()]);
    await sleep(6000);
    // It comes back late: the order controller first.
    stopOrders = run(runReleaseOrderController);
    const stalled = await waitOrder(c, ns, name, (o) => stalledOf(o)?.status === 'True', 'Stalled=True after the restart', 20_000);
    const cond = stalledOf(stalled)!;
    assert.ok(['DrainedPodsNotChanged', 'PodsNotReady'].includes(cond.reason ?? ''), cond.reason);
    const drained = (await pods(c, ns, 'web')).filter((p) => gate(p) === 'False').map((p) => p.metadata!.name!);
    assert.ok(drained.length > 0);
    for (const p of drained) assert.ok(cond.message!.includes(p), `${p} named in: ${cond.message}`);
    // Then the pod controller: the release goes on and completes; Stalled goes False.
    stopPods = run(runCellDeploymentController);
    const done = await waitOrder(c, ns, name, (o) => o.status?.phase === 'Completed', 'Completed');
    assert.equal(stalledOf(done)?.status, 'False');
    const actions = (done.status?.history ?? []).map((h) => h.action);
    assert.ok(actions.indexOf('Stalled') >= 0 && actions.indexOf('ProgressResumed') > actions.indexOf('Stalled'), actions.join(','));
    await Promise.all([stopPods(), stopOrders()]);
  });
});
