// The console's upgrade routes on ONE real OLD cluster (1.24, so that objects of APIs removed in 1.25 can be
// created), the console in process running as its own ServiceAccount with only its shipped ClusterRole, every
// call impersonating the signed-in user:
//  - a node run's state written as the runner writes it (RunStore.create); alice (edit in plinth-system) pauses it
//    and is recorded in its decisions, then withdraws the pause; bob (view) reads it and is refused the pause with
//    403 by the API server (verb and resource named); resuming a Paused run answers 409 naming the CLI command;
//    carol (may patch ConfigMaps, take the run lease and uncordon nodes) aborts a Paused run: finished at once;
//  - readiness: dave (reads the whole cluster) gets the PodDisruptionBudget the test created through policy/v1beta1 as a
//    blocker with its fix; bob, who may read only plinth-system, gets no such blocker and the refused parts listed;
//  - switches: a work directory's phases; bob may not list nodes and is refused; a rollback answers 409 naming
//    `plinth upgrade rollback --plan …`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsole, type ConsoleServer } from '../src/app/console/server.js';
import { apply } from '../src/kube/apply.js';
import { KubeClient } from '../src/kube/http.js';
import { ensureNamespace } from '../src/kube/namespaces.js';
import { ref } from '../src/kube/resource.js';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { writeState, type RunState as SwitchState } from '../src/upgrade/migrate/switch/state.js';
import { newNodeState, type RunState } from '../src/upgrade/nodes/state.js';
import { RunStore } from '../src/upgrade/nodes/store.js';
import { boundServiceAccount, consoleIdentityClient, ConsoleCaller, saToken } from './support/console-users.js';

const RBAC = 'rbac.authorization.k8s.io/v1';
const STATE_NS = 'plinth-system';
const SHOP = 'shop';
const user = (name: string): string => `system:serviceaccount:${SHOP}:${name}`;

let cluster: LocalCluster;
let admin: KubeClient;
let consoleClient: KubeClient;
let srv: ConsoleServer;
let base = '';
let workDirs: string;
const tokens: Record<string, string> = {};

/** A ServiceAccount in `shop` bound to `role` (a ClusterRole) in `bindingNs`, or cluster-wide when it is undefined. */
const account = (name: string, role: string, bindingNs: string | undefined): Promise<void> => boundServiceAccount(admin, SHOP, name, role, bindingNs ?? null);
const as = (name: string): Promise<ConsoleCaller> => ConsoleCaller.signedIn(() => base, tokens[name]!);

/** A run's state as `plinth upgrade nodes` writes it at its start: every node pending. */
async function writeRun(name: string, phase: RunState['phase']): Promise<void> {
  const nodes = ['node-a', 'node-b'];
  const state: RunState = {
    name,
    settings: { selector: '', maxUnavailable: '1', action: { kind: 'simulate', version: 'v1.25.0' } as unknown as RunState['settings']['action'], expectVersion: 'v1.25.0', drainTimeoutMs: 60_000, podTimeoutMs: 60_000, nodeTimeoutMs: 60_000, healthTimeoutMs: 60_000, deleteEmptyDirData: false, onFailure: 'stop' },
    phase,
    window: 1,
    createdAt: new Date().toISOString(),
    holder: `${name}@test`,
    nodes: Object.fromEntries(nodes.map((n) => [n, newNodeState(n)])),
  };
  await new RunStore(admin, STATE_NS, name, state).create();
}

describe('console upgrade API (OLD cluster)', { timeout: 600_000 }, () => {
  before(async () => {
    cluster = await startCluster({ version: 'old', nodes: 2, zones: 1 });
    admin = await KubeClient.fromKubeConfig(cluster.kubeConfig);
    for (const ns of [STATE_NS, SHOP]) await ensureNamespace(admin, ns);
    // carol: what aborting a run that no process acts on takes (its ConfigMaps, the run lease, the nodes).
    await apply(admin, ref(RBAC, 'clusterroles'), {
      apiVersion: RBAC,
      kind: 'ClusterRole',
      metadata: { name: 'test-node-upgrader' },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'patch', 'update'] },
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update', 'delete'] },
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'patch'] },
      ],
    });
    await account('alice', 'edit', STATE_NS);
    await account('bob', 'view', STATE_NS);
    await account('carol', 'test-node-upgrader', undefined);
    // dave: reads the whole cluster (what the readiness report needs to be complete), writes nothing.
    await apply(admin, ref(RBAC, 'clusterroles'), {
      apiVersion: RBAC,
      kind: 'ClusterRole',
      metadata: { name: 'test-cluster-reader' },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
        { nonResourceURLs: ['/metrics', '/version'], verbs: ['get'] },
      ],
    });
    await account('dave', 'test-cluster-reader', undefined);
    for (const n of ['alice', 'bob', 'carol', 'dave']) tokens[n] = await saToken(admin, SHOP, n);

    // A PodDisruptionBudget written through policy/v1beta1 (removed in 1.25).
    await admin.create(ref('policy/v1beta1', 'poddisruptionbudgets', SHOP), {
      apiVersion: 'policy/v1beta1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: SHOP },
      spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } },
    });

    workDirs = mkdtempSync(join(tmpdir(), 'plinth-console-switch-'));
    const sw: SwitchState = {
      version: 1,
      operation: 'switch',
      planFile: '/srv/plan.yaml',
      planDigest: 'x',
      pid: 1,
      status: 'failed',
      startedAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      serving: 'none',
      phases: [
        { name: 'init', title: 'check', status: 'done', startedAt: new Date().toISOString(), durationMs: 100, log: 'l' },
        { name: 'backup', title: 'export', status: 'done', startedAt: new Date().toISOString(), durationMs: 2500, log: 'l' },
        { name: 'clean', title: 'stop old', status: 'failed', startedAt: new Date().toISOString(), durationMs: 700, detail: 'exit 1', log: 'l' },
      ],
      error: { phase: 'clean', message: 'exit 1' },
    };
    await writeState(join(workDirs, 'prod-switch'), sw);

    consoleClient = await consoleIdentityClient(admin, cluster.kubeConfig);
    srv = await buildConsole({ client: consoleClient, events: false, switchDirs: [join(workDirs, 'prod-switch')] });
    await srv.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(srv.app.server.address() as { port: number }).port}`;
  });

  after(async () => {
    await srv?.close();
    consoleClient?.close();
    admin?.close();
    await cluster?.stop();
    if (workDirs) rmSync(workDirs, { recursive: true, force: true });
  });

  test('node runs: alice pauses (recorded), bob is refused by the API server, resume of a Paused run names the CLI', async () => {
    await writeRun('r1', 'Running');
    const alice = await as('alice');
    const bob = await as('bob');

    const list = await bob.call('GET', '/api/v1/upgrade/node-runs');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const item = (list.body.items as Array<{ name: string; phase: string; nodes: { total: number; pending: number }; target: string }>).find((i) => i.name === 'r1');
    assert.deepEqual({ phase: item?.phase, total: item?.nodes.total, pending: item?.nodes.pending, target: item?.target }, { phase: 'Running', total: 2, pending: 2, target: 'v1.25.0' });

    const refused = await bob.call('POST', '/api/v1/upgrade/node-runs/r1/pause');
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'KUBE_API');
    assert.deepEqual(refused.body.denied, { verb: 'patch', resource: 'configmaps', group: '', namespace: STATE_NS });
    assert.match(String(refused.body.message), new RegExp(user('bob')));

    const paused = await alice.call('POST', '/api/v1/upgrade/node-runs/r1/pause');
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.deepEqual(paused.body, { name: 'r1', action: 'pause', phase: 'Running', control: 'pause', by: user('alice'), outcome: 'requested' });
    const detail = await bob.call('GET', '/api/v1/upgrade/node-runs/r1');
    assert.equal(detail.status, 200);
    assert.equal(detail.body.control, 'pause');
    const decisions = detail.body.decisions as Array<{ by: string; action: string }>;
    assert.deepEqual(decisions.map((d) => [d.by, d.action]), [[user('alice'), 'pause']]);
    assert.deepEqual((detail.body.nodes as Array<{ name: string; phase: string }>).map((n) => [n.name, n.phase]), [['node-a', 'pending'], ['node-b', 'pending']]);
    // The decision is in the run's own state, where the CLI and the audit view read it.
    const stored = await RunStore.read(admin, STATE_NS, 'r1');
    assert.deepEqual(stored?.decisions.map((d) => d.by), [user('alice')]);
    assert.equal(stored?.control, 'pause');
    // ... and the audit view shows it; a user who may not list the state ConfigMaps gets NodeRun skipped.
    const audit = await alice.call('GET', `/api/v1/audit?kind=NodeRun&namespace=${STATE_NS}`);
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    assert.deepEqual((audit.body.items as Array<Record<string, unknown>>).map((i) => [i.kind, i.namespace, i.name, i.by, i.action]), [['NodeRun', STATE_NS, 'r1', user('alice'), 'pause']]);
    const elsewhere = await alice.call('GET', '/api/v1/audit?kind=NodeRun&namespace=kube-system');
    assert.deepEqual((elsewhere.body.skipped as Array<{ kind: string; message: string }>).map((x) => x.kind), ['NodeRun']);

    const withdrawn = await alice.call('POST', '/api/v1/upgrade/node-runs/r1/resume');
    assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
    assert.equal(withdrawn.body.outcome, 'withdrawn');
    assert.equal((await RunStore.read(admin, STATE_NS, 'r1'))?.control, '');

    await writeRun('r2', 'Paused');
    const resume = await alice.call('POST', '/api/v1/upgrade/node-runs/r2/resume');
    assert.equal(resume.status, 409);
    assert.equal(resume.body.code, 'CONSOLE_CLI_ONLY');
    assert.match(String(resume.body.hint), /plinth upgrade nodes --resume --name r2/);
    const again = await alice.call('POST', '/api/v1/upgrade/node-runs/r1/resume');
    assert.equal(again.status, 409, 'no pause pending');
    assert.equal(again.body.code, 'UPGRADE_NODES_NOT_RUNNING');
    assert.equal((await alice.call('GET', '/api/v1/upgrade/node-runs/nothing')).status, 404);
  });

  test('carol aborts a Paused run no process acts on: finished at once and recorded', async () => {
    await writeRun('r3', 'Paused');
    const carol = await as('carol');
    const r = await carol.call('POST', '/api/v1/upgrade/node-runs/r3/abort');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.outcome, 'done');
    assert.equal(r.body.phase, 'Aborted');
    const stored = await RunStore.read(admin, STATE_NS, 'r3');
    assert.equal(stored?.state.phase, 'Aborted');
    assert.deepEqual(stored?.decisions.map((d) => [d.by, d.action, d.phase]), [[user('carol'), 'abort', 'Paused']]);
  });

  test('readiness: the policy/v1beta1 PodDisruptionBudget is a blocker with its fix for dave; bob sees what he may not read', async () => {
    const dave = await as('dave');
    const r = await dave.call('GET', '/api/v1/upgrade/readiness?target=1.34');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.target, '1.34');
    const items = r.body.blockers as Array<{ rule: string; severity: string; object: { kind: string; namespace: string; name: string }; fix: string }>;
    const pdb = items.find((b) => b.object.kind === 'PodDisruptionBudget' && b.object.namespace === SHOP && b.object.name === 'web');
    assert.ok(pdb, `a finding for the PDB: ${JSON.stringify(r.body)}`);
    assert.equal(pdb.severity, 'blocker');
    assert.match(pdb.fix, /policy\/v1/);
    assert.ok((r.body.counts as { blocker: number }).blocker >= 1);

    const bob = await as('bob');
    const limited = await bob.call('GET', '/api/v1/upgrade/readiness?target=1.34');
    assert.equal(limited.status, 200, JSON.stringify(limited.body));
    assert.equal((limited.body.blockers as Array<{ object: { kind: string } }>).some((b) => b.object.kind === 'PodDisruptionBudget'), false);
    assert.ok((limited.body.errors as string[]).some((e) => /forbidden/i.test(e)), JSON.stringify(limited.body.errors));
    const bad = await bob.call('GET', '/api/v1/upgrade/readiness?target=banana');
    assert.equal(bad.status, 400);
  });

  test('switches: phases with timings; bob refused by the API server; rollback answers 409 with the CLI command', async () => {
    const dave = await as('dave');
    const list = await dave.call('GET', '/api/v1/upgrade/switches');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const items = list.body.items as Array<{ name: string; canRollback: boolean; phases: Array<{ name: string; phase: string; seconds: number }> }>;
    assert.equal(items.length, 1);
    assert.equal(items[0]!.name, 'prod-switch');
    assert.equal(items[0]!.canRollback, true);
    assert.deepEqual(items[0]!.phases.map((p) => [p.name, p.phase, p.seconds]), [['init', 'done', 0.1], ['backup', 'done', 2.5], ['clean', 'failed', 0.7]]);
    const bob = await as('bob');
    const refused = await bob.call('GET', '/api/v1/upgrade/switches/prod-switch');
    assert.equal(refused.status, 403);
    assert.equal((refused.body.denied as { resource: string }).resource, 'nodes');
    const rollback = await dave.call('POST', '/api/v1/upgrade/switches/prod-switch/rollback');
    assert.equal(rollback.status, 409);
    assert.equal(rollback.body.code, 'CONSOLE_CLI_ONLY');
    assert.match(String(rollback.body.hint), /plinth upgrade rollback --plan \/srv\/plan\.yaml/);
    assert.equal((await dave.call('GET', '/api/v1/upgrade/switches/nope')).status, 404);
  });
});
