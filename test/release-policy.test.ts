// ReleasePolicy enforcement on a real cluster (NEW version), controllers in this process, each scenario in its
// own namespace:
//  - a blackout window in force now blocks the release (order and CellDeployment Blocked, the window named);
//    removing it lets the release go on;
//  - a conflict on plinth.dev/system: the second release is Blocked naming the first until the first completes;
//  - a held cluster-upgrade lock Lease blocks until it is deleted; by default, the lock `plinth upgrade nodes`
//    takes (acquired and released through its own code) blocks until the run gives it up;
//  - a bad image reference is refused at admission; an image against the policy's imagePattern blocks with a clear message;
//  - a Prometheus metric analysis failure (a real Prometheus on loopback, scraping a gauge this test serves)
//    fails the batch with onFailure Pause, and rolls the release back with onFailure Rollback.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NODE_UPGRADE_LOCK, type CellDeployment, type ReleaseOrder } from '../src/api/index.js';
import { holderIdentity } from '../src/kube/holder.js';
import { acquireRunLock } from '../src/upgrade/nodes/lock.js';
import { CORE, inNamespace } from '../src/kube/resource.js';
import { RELEASE_POLICIES } from '../src/release/policy/checks.js';
import { RELEASE_API_VERSION, RES } from '../src/release/keys.js';
import {
  cdRef,
  cellDeployment,
  currentOrderName,
  ensureNamespace,
  getCd,
  patchOrder,
  setImage,
  releaseSuite,
  waitOrder,
  waitPhase,
} from './support/release-env.js';
import { startPrometheus, type TestPrometheus } from './support/prometheus.js';

describe('ReleasePolicy enforcement', () => {
  const suite = releaseSuite();
  let prom: TestPrometheus | undefined;
  after(async () => {
    await prom?.stop();
  });

  /** Policies select CellDeployments by their own labels: give the object its app label. */
  async function deploy(ns: string, cd: CellDeployment): Promise<void> {
    cd.metadata.labels = { app: cd.metadata.name ?? '', ...(cd.metadata.labels ?? {}) };
    await ensureNamespace(suite.env.client, ns);
    await suite.env.client.create(cdRef(ns), cd);
    await waitPhase(suite.env.client, ns, cd.metadata.name!, 'Completed');
  }

  async function policy(ns: string, name: string, spec: Record<string, unknown>): Promise<void> {
    await suite.env.client.create(inNamespace(RELEASE_POLICIES, ns), { apiVersion: RELEASE_API_VERSION, kind: 'ReleasePolicy', metadata: { name, namespace: ns }, spec });
  }

  /** Sets the image and returns the name of the new order (not the one of the previous release). */
  async function release(ns: string, name: string, image: string): Promise<string> {
    const before = (await getCd(suite.env.client, ns, name)).status?.releaseOrder;
    await setImage(suite.env.client, ns, name, image);
    return currentOrderName(suite.env.client, ns, name, before);
  }

  const history = (o: ReleaseOrder): string => (o.status?.history ?? []).map((h) => `${h.action}: ${h.message ?? ''}`).join('\n');

  test('a blackout window in force blocks the release until it is removed', async () => {
    const ns = 'policy-blackout';
    await deploy(ns, cellDeployment(ns, 'web', { replicas: 3, strategy: { batchSize: 3 } }));
    const all = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
    await policy(ns, 'peak', { selector: { matchLabels: { app: 'web' } }, preChecks: { blackoutWindows: [{ name: 'business-peak', timeZone: 'UTC', weekly: [{ days: all, start: '00:00', end: '00:00' }] }] } });
    const name = await release(ns, 'web', 'registry.local/web:2');
    const o = await waitOrder(suite.env.client, ns, name, (x) => x.status?.phase === 'Blocked', 'Blocked');
    assert.match(history(o), /blackout window "business-peak" of ReleasePolicy peak is in force until \d{4}-/);
    assert.ok(o.status?.checks?.some((c) => c.kind === 'pre' && c.name === 'peak/blackout' && c.result === 'Blocked'));
    assert.equal(o.status?.batches?.[0]?.phase, 'Pending', 'no batch started inside the window');
    await waitPhase(suite.env.client, ns, 'web', 'Blocked');
    await suite.env.client.delete(inNamespace(RELEASE_POLICIES, ns), 'peak');
    await waitOrder(suite.env.client, ns, name, (x) => x.status?.phase === 'Completed', 'Completed after the window was removed');
  });

  test('a conflict on plinth.dev/system blocks the second release, naming the first', async () => {
    const ns = 'policy-conflict';
    const labelled = (n: string, strategy: Record<string, unknown>): CellDeployment => {
      const cd = cellDeployment(ns, n, { replicas: 3, strategy });
      cd.metadata.labels = { 'plinth.dev/system': 'payments' };
      return cd;
    };
    await deploy(ns, labelled('a', { batchSize: 1, needConfirm: true }));
    await deploy(ns, labelled('b', { batchSize: 3 }));
    await policy(ns, 'one-at-a-time', { selector: { matchLabels: { 'plinth.dev/system': 'payments' } }, preChecks: { conflicts: { systemLabel: 'plinth.dev/system' } } });
    const first = await release(ns, 'a', 'registry.local/web:2');
    await waitOrder(suite.env.client, ns, first, (x) => x.status?.phase === 'WaitingForConfirm', 'a waits for confirmation after its first batch');
    const second = await release(ns, 'b', 'registry.local/web:2');
    const o = await waitOrder(suite.env.client, ns, second, (x) => x.status?.phase === 'Blocked', 'b Blocked');
    assert.match(history(o), new RegExp(`release ${first} of CellDeployment a is in progress on plinth.dev/system=payments`));
    await patchOrder(suite.env.client, ns, first, { confirmedBatches: 2 });
    await waitOrder(suite.env.client, ns, first, (x) => x.status?.phase === 'Completed', 'a Completed');
    await waitOrder(suite.env.client, ns, second, (x) => x.status?.phase === 'Completed', 'b Completed once a finished');
  });

  test('a held cluster-upgrade lock Lease blocks until it is released', async () => {
    const ns = 'policy-lease';
    await deploy(ns, cellDeployment(ns, 'web', { replicas: 3, strategy: { batchSize: 3 } }));
    const leases = inNamespace(CORE.leases, ns);
    const renewTime = new Date().toISOString().replace(/Z$/, '000Z');
    await suite.env.client.create(leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'cluster-upgrade', namespace: ns }, spec: { holderIdentity: 'upgrader-1', leaseDurationSeconds: 3600, renewTime } });
    await policy(ns, 'lock', { selector: { matchLabels: { app: 'web' } }, preChecks: { conflicts: { upgradeLockLease: { namespace: ns, name: 'cluster-upgrade' } } } });
    const name = await release(ns, 'web', 'registry.local/web:2');
    const o = await waitOrder(suite.env.client, ns, name, (x) => x.status?.phase === 'Blocked', 'Blocked');
    assert.match(history(o), new RegExp(`the cluster-upgrade lock Lease ${ns}/cluster-upgrade is held by upgrader-1`));
    await suite.env.client.delete(leases, 'cluster-upgrade');
    await waitOrder(suite.env.client, ns, name, (x) => x.status?.phase === 'Completed', 'Completed after the lock was released');
  });

  test('by default the conflict check honours the lock plinth upgrade nodes takes (the real run lock, taken and given up)', async () => {
    const ns = 'policy-nodes-lock';
    await deploy(ns, cellDeployment(ns, 'web', { replicas: 3, strategy: { batchSize: 3 } }));
    await policy(ns, 'no-release-during-upgrade', { selector: { matchLabels: { app: 'web' } }, preChecks: { conflicts: {} } });
    const stored = await suite.env.client.get<{ spec: { preChecks?: { conflicts?: { upgradeLockLease?: unknown } } } }>(inNamespace(RELEASE_POLICIES, ns), 'no-release-during-upgrade');
    assert.deepEqual(stored.spec.preChecks?.conflicts?.upgradeLockLease, { ...NODE_UPGRADE_LOCK }, 'the server fills in the default lease');
    await ensureNamespace(suite.env.client, NODE_UPGRADE_LOCK.namespace);
    const identity = holderIdentity('rehearsal');
    const lock = await acquireRunLock(suite.env.client, NODE_UPGRADE_LOCK.namespace, identity);
    try {
      const name = await release(ns, 'web', 'registry.local/web:2');
      const o = await waitOrder(suite.env.client, ns, name, (x) => x.status?.phase === 'Blocked', 'Blocked while the node upgrade holds its lock');
      const held = `the cluster-upgrade lock Lease plinth-system/plinth-upgrade-nodes is held by ${identity}`;
      assert.ok(history(o).includes(held), `the history names the run: ${history(o)}`);
      assert.equal(o.status?.batches?.[0]?.phase, 'Pending', 'no batch started');
    } finally {
      await lock.release();
    }
    const cd = await getCd(suite.env.client, ns, 'web');
    const name = cd.status?.releaseOrder ?? '';
    await waitOrder(suite.env.client, ns, name, (x) => x.status?.phase === 'Completed', 'Completed once the run gave its lock up');
  });

  test('a bad image reference is refused by the API server; an image against the policy\'s imagePattern blocks with a clear message', async () => {
    const ns = 'policy-params';
    await deploy(ns, cellDeployment(ns, 'web', { replicas: 3, strategy: { batchSize: 3 } }));
    await policy(ns, 'params', { selector: { matchLabels: { app: 'web' } }, preChecks: { parameters: { requireResources: true, imagePattern: '^registry\\.local/' } } });
    await assert.rejects(setImage(suite.env.client, ns, 'web', 'registry.local/Web:2'), (err: Error) => err.message.includes('Invalid value: "registry.local/Web:2"'));
    const name = await release(ns, 'web', 'registry.corp/web:2');
    const o = await waitOrder(suite.env.client, ns, name, (x) => x.status?.phase === 'Blocked', 'Blocked');
    assert.match(history(o), /"registry\.corp\/web:2" does not match the release policy's imagePattern/);
    // The CellDeployment's phase follows its order's (its status is written on the next reconcile).
    const cd = await waitPhase(suite.env.client, ns, 'web', 'Blocked');
    assert.equal(cd.status?.phase, 'Blocked');
  });

  test('pods stuck Pending past pendingTimeoutSeconds fail the batch and pause the release', async () => {
    const ns = 'policy-pending';
    await deploy(ns, cellDeployment(ns, 'web', { replicas: 3, strategy: { type: 'Recreate', batchSize: 1 } }));
    await policy(ns, 'stuck', { selector: { matchLabels: { app: 'web' } }, postChecks: { pendingTimeoutSeconds: 3 }, onFailure: 'Pause' });
    const before = (await getCd(suite.env.client, ns, 'web')).status?.releaseOrder;
    // A node selector no node satisfies: the recreated pod stays Pending (Unschedulable).
    await suite.env.client.patch(cdRef(ns), 'web', { spec: { template: { spec: { nodeSelector: { 'plinth.test/none': 'x' } } } } }, 'merge');
    const name = await currentOrderName(suite.env.client, ns, 'web', before);
    const o = await waitOrder(suite.env.client, ns, name, (x) => x.status?.phase === 'Paused' && x.spec.paused === true, 'Paused after the pending timeout');
    const check = o.status?.checks?.find((c) => c.name === 'pending-timeout');
    assert.equal(check?.result, 'Failed');
    assert.match(check?.message ?? '', /pods stuck Pending for more than 3s: web-\w+ \(\d+s, Unschedulable: 0\/\d+ nodes are available/);
    assert.equal(o.status?.batches?.[0]?.phase, 'Failed');
    assert.equal(o.status?.batches?.[1]?.phase, 'Pending', 'no later batch started');
  });

  test('a Prometheus analysis failure pauses the release (resume re-checks) or rolls it back (Rollback)', async () => {
    prom = await startPrometheus();
    prom.setGauge(5);
    await prom.waitValue(5);
    const metric = { name: 'errors', prometheusUrl: prom.url, query: 'plinth_test_gauge', threshold: { operator: '<', value: 1 }, intervalSeconds: 1, count: 2, failureLimit: 0 };

    const ns = 'policy-analysis';
    await deploy(ns, cellDeployment(ns, 'pause', { replicas: 3, strategy: { batchSize: 1 } }));
    await deploy(ns, cellDeployment(ns, 'back', { replicas: 3, strategy: { batchSize: 1 } }));
    await policy(ns, 'pause', { selector: { matchLabels: { app: 'pause' } }, postChecks: { metrics: [metric] }, onFailure: 'Pause' });
    await policy(ns, 'back', { selector: { matchLabels: { app: 'back' } }, postChecks: { metrics: [metric] }, onFailure: 'Rollback' });

    const p = await release(ns, 'pause', 'registry.local/web:2');
    const po = await waitOrder(suite.env.client, ns, p, (x) => x.status?.phase === 'Paused' && x.spec.paused === true, 'Paused after the analysis');
    assert.match(history(po), /CheckFailed: metric check 1\/2 sample\(s\), 1 failed \(limit 0\); last: errors: 5 is not < 1/);
    assert.ok(po.status?.checks?.some((c) => c.kind === 'post' && c.name === 'errors' && c.result === 'Failed' && c.batch === 0));
    assert.equal(po.status?.batches?.[0]?.phase, 'Failed');
    assert.equal(po.status?.batches?.[1]?.phase, 'Pending', 'no later batch started');
    // The metric recovers; a person resumes: the batch's checks run again and the release completes.
    prom.setGauge(0);
    await prom.waitValue(0);
    await suite.env.client.patch(inNamespace(RES.releaseOrders, ns), p, { spec: { paused: false } }, 'merge');
    const done = await waitOrder(suite.env.client, ns, p, (x) => x.status?.phase === 'Completed', 'Completed after resume');
    assert.match(history(done), /Resumed: resumed after a failed check/);
    prom.setGauge(5);
    await prom.waitValue(5);

    const b = await release(ns, 'back', 'registry.local/web:2');
    const bo = await waitOrder(suite.env.client, ns, b, (x) => x.status?.phase === 'RolledBack', 'RolledBack after the analysis');
    assert.match(history(bo), /CheckFailed: metric check .*errors: 5 is not < 1/);
    assert.match(history(bo), /RollbackStarted/);
  });
});
