// `plinth release …` through the real CLI (a subprocess with --kubeconfig) on a real NEW cluster:
//  - a real release driven by the release controllers running in this process: status (table, JSON),
//    pause / confirm / resume / confirm, `status --watch` without a TTY until Completed, the history with the
//    caller's identity from SelfSubjectReview; the controller's own status writes keep every CLI entry;
//    a watch that follows its CellDeployment to the order that superseded the first; rollback until RolledBack;
//  - the API contract on ReleaseOrders the test creates and whose status it sets itself: name resolution
//    (ro/NAME, plain names, ambiguity, unknown names), refusals, --batch, idempotent actions, the namespace
//    of the kubeconfig context, the history array created when absent, concurrent history appends racing a
//    controller-like status writer, the live view on a TTY (via script(1)) and Ctrl-C;
//  - on an OLD cluster (1.24, no SelfSubjectReview): the identity falls back to the client certificate.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { ReleaseOrder, ReleaseOrderStatusT } from '../src/api/index.js';
import { installCrds } from '../src/api/install.js';
import { isConflict } from '../src/kube/api-error.js';
import { KubeClient } from '../src/kube/http.js';
import { startCluster } from '../src/localenv/index.js';
import { ref } from '../src/kube/resource.js';
import { appendHistory, historyEntry, SYSTEM_ACTOR } from '../src/release/plan/history.js';
import { recordHistory } from '../src/release/steer/record.js';
import {
  cdRef,
  cellDeployment,
  currentOrderName,
  ensureNamespace,
  eventually,
  getOrder,
  roRef,
  runControllersInProcess,
  setImage,
  sleep,
  startReleaseCluster,
  waitOrder,
  waitPhase,
  type ReleaseEnv,
} from './support/release-env.js';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface Running {
  child: ReturnType<typeof spawn>;
  /** Output so far. */
  out: () => string;
  done: Promise<Run>;
}

const CLI = ['--import', 'tsx', 'src/app/cli/main.ts'];

/** Starts the CLI as a subprocess (never spawnSync: the controllers run in this process's event loop). */
function start(args: string[], opts: { tty?: boolean } = {}): Running {
  const argv = [...CLI, ...args];
  const child = opts.tty
    ? spawn('script', ['-qfec', [process.execPath, ...argv].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' '), '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, out: () => stdout, done };
}

let kubeconfig = '';

async function plinth(...args: string[]): Promise<Run> {
  const t0 = Date.now();
  const r = await start([...args, '--kubeconfig', kubeconfig]).done;
  cliRuns.push(Date.now() - t0);
  return r;
}
const cliRuns: number[] = [];

async function ok(...args: string[]): Promise<string> {
  const r = await plinth(...args);
  assert.equal(r.code, 0, `plinth ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function json<T = any>(...args: string[]): Promise<T> {
  return JSON.parse(await ok(...args, '-o', 'json')) as T;
}

/** The command failed with exit code 1 and one line on stderr naming `code`. */
async function fails(code: string, pattern: RegExp, ...args: string[]): Promise<string> {
  const r = await plinth(...args);
  assert.equal(r.code, 1, `plinth ${args.join(' ')} should fail; stdout: ${r.stdout}; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '', 'nothing on stdout');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr: ${r.stderr}`);
  assert.match(lines[0]!, new RegExp(`^error: .*\\(${code}\\); `));
  assert.match(lines[0]!, pattern);
  return lines[0]!;
}

function userEntries(o: ReleaseOrder): string[] {
  return (o.status?.history ?? []).filter((h) => h.by !== SYSTEM_ACTOR).map((h) => `${h.action}${h.batch !== undefined ? `#${h.batch}` : ''} by ${h.by}`);
}

describe('plinth release (CLI)', { timeout: 900_000 }, () => {
  let env: ReleaseEnv;
  let controllers: { stop: () => Promise<void> };
  let me: { username: string; groups: string[] };
  const t0 = Date.now();
  before(async () => {
    env = await startReleaseCluster();
    kubeconfig = env.cluster.kubeconfigPath;
    controllers = runControllersInProcess(env.client);
    console.log(`cluster + CRDs ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });
  after(async () => {
    await controllers?.stop();
    await env?.stop();
    const sorted = [...cliRuns].sort((a, b) => a - b);
    console.log(`${cliRuns.length} CLI runs, median ${sorted[Math.floor(sorted.length / 2)] ?? 0} ms, max ${sorted.at(-1) ?? 0} ms`);
  });

  test('SelfSubjectReview names the local admin', async () => {
    const review = await env.client.create<{ status: { userInfo: { username: string; groups: string[] } } }>(ref('authentication.k8s.io/v1', 'selfsubjectreviews'), {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    me = review.status.userInfo;
    // The local cluster's admin certificate: CN=plinth-admin, O=system:masters.
    assert.equal(me.username, 'plinth-admin');
    assert.ok(me.groups.includes('system:masters'), JSON.stringify(me.groups));
  });

  test('a release driven through the CLI: status, pause, confirm, resume, watch, history', async () => {
    const ns = 'cli-live';
    const n = ['-n', ns];
    await ensureNamespace(env.client, ns);
    await env.client.create(cdRef(ns), cellDeployment(ns, 'web', { replicas: 6, strategy: { beta: true, batchSize: 2, needConfirm: true, drainSeconds: 0 } }));
    await waitPhase(env.client, ns, 'web', 'Completed');
    await fails('RELEASE_NO_ORDER', /CellDeployment cli-live\/web has no release order yet: its pods run the revision it was created with/, 'release', 'status', 'web', ...n);

    await setImage(env.client, ns, 'web', 'registry.local/web:2');
    const name = await currentOrderName(env.client, ns, 'web');
    await waitOrder(env.client, ns, name, (o) => o.status?.phase === 'WaitingForConfirm', 'waits after the beta batch');

    const st = await json('release', 'status', 'web', ...n);
    assert.equal(st.kind, 'ReleaseStatus');
    assert.equal(st.resolvedFrom, 'CellDeployment');
    assert.equal(st.releaseOrder, name);
    assert.equal(st.namespace, ns);
    assert.deepEqual(st.target, { kind: 'CellDeployment', name: 'web' });
    assert.equal(st.phase, 'WaitingForConfirm');
    assert.deepEqual(st.currentBatch, { index: 1, number: 2 });
    assert.equal(st.batchCount, 3);
    assert.deepEqual(st.batches.map((b: { phase: string; pods: string[] }) => [b.phase, b.pods.length]), [['Succeeded', 3], ['WaitingForConfirm', 2], ['Pending', 1]]);
    assert.deepEqual(st.units.map((u: { name: string; replicas: number }) => [u.name, u.replicas]), [['zone-a', 2], ['zone-b', 2], ['zone-c', 2]]);
    assert.equal(st.cellDeployment.releaseOrder, name);
    assert.deepEqual(st.next, { action: 'confirm', message: `batch 2 of 3 waits for confirmation: plinth release confirm web -n ${ns}`, command: `plinth release confirm web -n ${ns}` });
    const table = await ok('release', 'status', 'web', ...n);
    assert.match(table, new RegExp(`^Release order: ${name} \\(current release of celldeployment/web, namespace ${ns}\\)$`, 'm'));
    assert.match(table, /^BATCH +PHASE +UNITS +PODS +STARTED +FINISHED$/m);
    assert.match(table, /^UNIT +REPLICAS +READY +UPDATED$/m);
    assert.match(table, new RegExp(`^Next: +batch 2 of 3 waits for confirmation: plinth release confirm web -n ${ns}$`, 'm'));
    const yaml = parse(await ok('release', 'status', `ro/${name}`, ...n, '-o', 'yaml')) as { resolvedFrom: string; releaseOrder: string };
    assert.deepEqual([yaml.resolvedFrom, yaml.releaseOrder], ['ReleaseOrder', name]);

    // A watch without a TTY: a line per change until Completed.
    const watch = start(['release', 'status', 'web', ...n, '--watch', '--kubeconfig', kubeconfig]);
    await eventually('the watch printed its first line', () => Promise.resolve(watch.out().includes(name) ? true : undefined), 30_000);

    const paused = await json('release', 'pause', 'web', ...n);
    assert.deepEqual([paused.kind, paused.action, paused.changed, paused.spec.paused], ['ReleaseAction', 'pause', true, true]);
    assert.deepEqual(paused.by, { user: me.username, groups: me.groups, source: 'SelfSubjectReview authentication.k8s.io/v1' });
    await waitOrder(env.client, ns, name, (o) => o.status?.phase === 'Paused', 'paused');
    const again = await json('release', 'pause', 'web', ...n);
    assert.deepEqual([again.changed, again.history, again.by], [false, null, null]);
    assert.match(await ok('release', 'status', 'web', ...n), /^Next: +paused: resume with plinth release resume web -n cli-live$/m);

    const confirmed = await ok('release', 'confirm', 'web', ...n);
    assert.equal(
      confirmed,
      `releaseorder/${name} (current release of celldeployment/web): confirmed batch 2 of 3: spec.confirmedBatches 0 → 1; it starts once the release is resumed (spec.paused is true)\n` +
        `recorded in its history: Confirm by ${me.username}\n`,
    );
    assert.equal((await getOrder(env.client, ns, name)).spec.confirmedBatches, 1);
    await ok('release', 'resume', 'web', ...n);
    await waitOrder(env.client, ns, name, (o) => o.status?.phase === 'WaitingForConfirm' && o.status.currentBatch === 2, 'batch 2 done, batch 3 waits');

    const c2 = await json('release', 'confirm', `releaseorder/${name}`, ...n);
    assert.deepEqual(
      { changed: c2.changed, batch: c2.batch, spec: c2.spec, resolvedFrom: c2.resolvedFrom, releaseOrder: c2.releaseOrder, target: c2.target },
      { changed: true, batch: { index: 2, number: 3 }, spec: { confirmedBatches: 2, paused: false, rollback: false }, resolvedFrom: 'ReleaseOrder', releaseOrder: name, target: { kind: 'CellDeployment', name: 'web' } },
    );
    assert.deepEqual(Object.keys(c2.history), ['at', 'by', 'action', 'batch', 'message']);
    assert.deepEqual([c2.history.by, c2.history.action, c2.history.batch], [me.username, 'Confirm', 2]);

    const w = await watch.done;
    assert.equal(w.code, 0, w.stderr);
    const lines = w.stdout.trim().split('\n');
    assert.ok(lines.length >= 4, w.stdout);
    assert.ok(lines.every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ /.test(l)), w.stdout);
    assert.match(lines[0]!, /WaitingForConfirm, batch 2\/3 waiting for confirmation/);
    assert.ok(lines.some((l) => /: Paused, /.test(l)), w.stdout);
    assert.match(lines.at(-1)!, new RegExp(`${name} web .*: Completed, 3/3 batches done, 6/6 pods updated; last: Completed by system:plinth; workload`));

    // The controller's own status writes (many, after each CLI entry) kept every CLI entry, in order.
    const done = await getOrder(env.client, ns, name);
    assert.equal(done.status!.phase, 'Completed');
    assert.deepEqual(userEntries(done), [`Pause#1 by ${me.username}`, `Confirm#1 by ${me.username}`, `Resume#1 by ${me.username}`, `Confirm#2 by ${me.username}`]);
    const actions = done.status!.history!.map((h) => h.action);
    for (const a of ['Paused', 'Resumed', 'Completed']) assert.ok(actions.includes(a), actions.join(','));

    const hist = await json('release', 'history', 'web', ...n);
    assert.deepEqual(Object.keys(hist), ['kind', 'namespace', 'releaseOrder', 'resolvedFrom', 'target', 'phase', 'items']);
    assert.deepEqual([hist.kind, hist.releaseOrder, hist.phase], ['ReleaseHistory', name, 'Completed']);
    assert.deepEqual(hist.items, done.status!.history);
    const htable = await ok('release', 'history', 'web', ...n);
    assert.match(htable, /^TIME +BY +ACTION +BATCH +MESSAGE$/m);
    assert.match(htable, new RegExp(`^\\S+Z +${me.username} +Confirm +3 +confirmed batch 3 of 3: spec.confirmedBatches 1 → 2; it starts now$`, 'm'));
    assert.match(htable, /^\S+Z +system:plinth +Planned +<none> +6 pod\(s\) from revision/m);

    await fails('RELEASE_ACTION_REFUSED', new RegExp(`cannot confirm release order ${ns}/${name}: the release is Completed`), 'release', 'confirm', 'web', ...n);
    // --watch on a finished release prints it once and ends.
    const once = await plinth('release', 'status', 'web', ...n, '--watch');
    assert.equal(once.code, 0, once.stderr);
    assert.equal(once.stdout.trim().split('\n').length, 1);

    // A ReleaseOrder named like the CellDeployment: the plain name is the CellDeployment, and the CLI says so.
    await env.client.create(roRef(ns), { apiVersion: 'apps.plinth.dev/v1alpha1', kind: 'ReleaseOrder', metadata: { name: 'web', namespace: ns }, spec: { target: { name: 'web' }, fromRevision: 'a', toRevision: 'b' } });
    const amb = await plinth('release', 'status', 'web', ...n, '-o', 'json');
    assert.equal(amb.code, 0, amb.stderr);
    assert.equal(JSON.parse(amb.stdout).releaseOrder, name);
    assert.equal(amb.stderr, `note: "web" is both a CellDeployment and a ReleaseOrder in ${ns}; using the CellDeployment (its current release order is ${name}); say releaseorder/web for the other\n`);
    assert.equal((await json('release', 'status', 'ro/web', ...n)).releaseOrder, 'web');
  });

  test('a watch follows its CellDeployment to the order that superseded the first; rollback to RolledBack', async () => {
    const ns = 'cli-live';
    const n = ['-n', ns];
    const first = (await env.client.get<{ status: { releaseOrder: string } }>(cdRef(ns), 'web')).status.releaseOrder;
    await setImage(env.client, ns, 'web', 'registry.local/web:3');
    const second = await currentOrderName(env.client, ns, 'web', first);
    await waitOrder(env.client, ns, second, (o) => o.status?.phase === 'WaitingForConfirm', 'the second release waits after its beta');
    const watch = start(['release', 'status', 'web', ...n, '--watch', '-o', 'json', '--kubeconfig', kubeconfig]);
    await eventually('the watch printed the second order', () => Promise.resolve(watch.out().includes(second) ? true : undefined), 30_000);

    await setImage(env.client, ns, 'web', 'registry.local/web:4');
    const third = await currentOrderName(env.client, ns, 'web', second);
    await waitOrder(env.client, ns, second, (o) => o.status?.phase === 'Superseded', 'superseded');
    await waitOrder(env.client, ns, third, (o) => o.status?.phase === 'WaitingForConfirm', 'the third release waits after its beta');
    const sup = await json('release', 'status', `ro/${second}`, ...n);
    assert.equal(sup.phase, 'Superseded');
    assert.deepEqual(sup.next, { action: 'none', message: `superseded by a newer release order (${third}): follow the CellDeployment's current release`, command: `plinth release status celldeployment/web -n ${ns}` });
    await fails('RELEASE_ACTION_REFUSED', /cannot rollback .*the release is Superseded/, 'release', 'rollback', `ro/${second}`, ...n);

    const rb = await ok('release', 'rollback', 'web', ...n);
    assert.match(rb, new RegExp(`^releaseorder/${third} \\(current release of celldeployment/web\\): rollback requested: the release stops; the 3 pod\\(s\\) of batch\\(es\\) 1 return to revision \\w+, the latest batch first, each drained before it changes; then any other pod not on \\w+ returns to it. This cannot be cancelled\\n`));
    assert.match(rb, new RegExp(`^recorded in its history: Rollback by ${me.username}$`, 'm'));
    const again = await ok('release', 'rollback', 'web', ...n);
    assert.match(again, /(a rollback was already requested \(spec.rollback is true\)|the release is already rolled back: every pod runs revision \w+ again) \(nothing changed\)\n$/);

    const w = await watch.done;
    assert.equal(w.code, 0, w.stderr);
    const docs = w.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; releaseOrder: string; phase: string });
    assert.ok(docs.every((d) => d.kind === 'ReleaseStatus'));
    assert.equal(docs[0]!.releaseOrder, second);
    assert.ok(docs.some((d) => d.releaseOrder === third && d.phase === 'RollingBack'), w.stdout);
    assert.deepEqual([docs.at(-1)!.releaseOrder, docs.at(-1)!.phase], [third, 'RolledBack']);
    const o = await getOrder(env.client, ns, third);
    assert.deepEqual(userEntries(o), [`Rollback#1 by ${me.username}`]);
    assert.ok(o.status!.history!.findIndex((h) => h.action === 'Rollback') < o.status!.history!.findIndex((h) => h.action === 'RolledBack'));
  });

  describe('on ReleaseOrders whose status the test sets', () => {
    const ns = 'cli-fixed';
    const n = ['-n', ns];
    const batches = (phases: string[]): NonNullable<ReleaseOrderStatusT['batches']> =>
      phases.map((phase, index) => ({
        index,
        pods: [`api-${index}a`, `api-${index}b`],
        units: ['zone-a', 'zone-b'],
        phase: phase as 'Pending',
        ...(phase === 'Succeeded' || phase === 'Running' ? { startedAt: '2026-01-01T10:00:00Z' } : {}),
        ...(phase === 'Succeeded' ? { finishedAt: '2026-01-01T10:01:00Z' } : {}),
      }));
    async function order(name: string, status: ReleaseOrderStatusT | undefined, spec: Partial<ReleaseOrder['spec']> = {}): Promise<ReleaseOrder> {
      const created = await env.client.create<ReleaseOrder>(roRef(ns), {
        apiVersion: 'apps.plinth.dev/v1alpha1',
        kind: 'ReleaseOrder',
        metadata: { name, namespace: ns },
        spec: { target: { kind: 'CellDeployment', name: 'api' }, fromRevision: 'r1', toRevision: 'r2', ...spec },
      });
      return status ? env.client.replace<ReleaseOrder>(roRef(ns), name, { ...created, status }, { subresource: 'status' }) : created;
    }
    before(async () => {
      await ensureNamespace(env.client, ns);
    });

    test('unknown names, bad kinds and empty releases are one line and exit code 1', async () => {
      await fails('RELEASE_NOT_FOUND', /no CellDeployment or ReleaseOrder named "nope" in namespace cli-fixed \(RELEASE_NOT_FOUND\); check the name and namespace \(-n\); list them with `kubectl get celldeployments,releaseorders -n cli-fixed/, 'release', 'status', 'nope', ...n);
      await fails('RELEASE_NOT_FOUND', /no ReleaseOrder named "nope"/, 'release', 'history', 'ro/nope', ...n);
      await fails('RELEASE_NOT_FOUND', /no CellDeployment named "nope"/, 'release', 'confirm', 'cd/nope', ...n);
      await fails('RELEASE_NOT_FOUND', /no CellDeployment or ReleaseOrder named "nope" in namespace default/, 'release', 'pause', 'nope');
      await fails('NAMESPACE_NOT_FOUND', /namespace nosuchns does not exist \(NAMESPACE_NOT_FOUND\); check -n\/--namespace/, 'release', 'confirm', 'web', '-n', 'nosuchns');
      await fails('INVALID_ARGUMENT', /"deployment" is not a CellDeployment or ReleaseOrder kind/, 'release', 'rollback', 'deployment/web', ...n);
      await fails('INVALID_ARGUMENT', /invalid --output: "xml" is not a known format/, 'release', 'status', 'nope', ...n, '-o', 'xml');
      const r = await plinth('release', 'confirm', 'x', '--batch', 'two');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /--batch must be a whole number/);
    });

    test('a ReleaseOrder by its plain name; confirm creates the history array; --batch; refusals', async () => {
      await order('api-r2', { phase: 'WaitingForConfirm', currentBatch: 1, batches: batches(['Succeeded', 'WaitingForConfirm', 'Pending', 'Pending']) });
      const st = await json('release', 'status', 'api-r2', ...n);
      assert.deepEqual([st.resolvedFrom, st.releaseOrder, st.cellDeployment, st.units, st.lastHistory], ['ReleaseOrder', 'api-r2', null, [], null]);
      assert.equal(st.next.command, 'plinth release confirm api-r2 -n cli-fixed');
      assert.equal(await ok('release', 'history', 'api-r2', ...n), 'No history yet in release order cli-fixed/api-r2.\n');

      const c = await json('release', 'confirm', 'api-r2', ...n);
      assert.deepEqual([c.changed, c.spec.confirmedBatches, c.batch], [true, 1, { index: 1, number: 2 }]);
      let o = await getOrder(env.client, ns, 'api-r2');
      assert.equal(o.status!.history!.length, 1, 'the array was created');
      assert.deepEqual({ ...o.status!.history![0]!, at: 'x' }, { at: 'x', by: me.username, action: 'Confirm', batch: 1, message: 'confirmed batch 2 of 4: spec.confirmedBatches 0 → 1; it starts now' });
      assert.ok(Math.abs(Date.parse(o.status!.history![0]!.at) - Date.now()) < 60_000);

      // Nothing waits while batch 2 runs: refused; --batch confirms ahead; out of range is refused.
      o = await env.client.replace<ReleaseOrder>(roRef(ns), 'api-r2', { ...o, status: { ...o.status, phase: 'Progressing', batches: batches(['Succeeded', 'Running', 'Pending', 'Pending']) } }, { subresource: 'status' });
      await fails('RELEASE_ACTION_REFUSED', /cannot confirm release order cli-fixed\/api-r2: no batch waits for confirmation \(Progressing, batch 2 of 4 is Running\).*--batch K/, 'release', 'confirm', 'api-r2', ...n);
      await fails('INVALID_ARGUMENT', /--batch: 9 is not a batch of this release \(it has 4\)/, 'release', 'confirm', 'api-r2', ...n, '--batch', '9');
      assert.match(await ok('release', 'confirm', 'api-r2', ...n, '--batch', '4'), /confirmed batches up to 4 of 4: spec.confirmedBatches 1 → 3\n/);
      assert.match(await ok('release', 'confirm', 'api-r2', ...n, '--batch', '3'), /batch 3 of 4 is already confirmed \(spec.confirmedBatches is 3\) \(nothing changed\)/);
      o = await getOrder(env.client, ns, 'api-r2');
      assert.equal(o.spec.confirmedBatches, 3);
      assert.deepEqual(userEntries(o), [`Confirm#1 by ${me.username}`, `Confirm#3 by ${me.username}`]);
      assert.equal(await ok('release', 'pause', 'api-r2', ...n, '-o', 'name'), 'releaseorder.apps.plinth.dev/api-r2\n');

      // The order finishes; actions are refused, rollback is still possible on a Completed release.
      o = await getOrder(env.client, ns, 'api-r2');
      await env.client.replace(roRef(ns), 'api-r2', { ...o, status: { ...o.status, phase: 'Completed' } }, { subresource: 'status' });
      await fails('RELEASE_ACTION_REFUSED', /cannot resume release order cli-fixed\/api-r2: the release is Completed/, 'release', 'resume', 'api-r2', ...n);
      const rb = await json('release', 'rollback', 'api-r2', ...n);
      assert.match(rb.message, /the 4 pod\(s\) of batch\(es\) 1, 2 return to revision r1/);
      assert.equal((await getOrder(env.client, ns, 'api-r2')).spec.rollback, true);
    });

    test("without -n: the kubeconfig context's namespace", async () => {
      await order('api-ctx', { phase: 'Progressing', currentBatch: 0, batches: batches(['Running']) });
      const dir = mkdtempSync(join(tmpdir(), 'plinth-cli-'));
      try {
        const doc = parse(readFileSync(kubeconfig, 'utf8')) as { contexts: { context: Record<string, string> }[] };
        doc.contexts[0]!.context['namespace'] = ns;
        const kc = join(dir, 'kubeconfig');
        writeFileSync(kc, stringify(doc));
        const r = await start(['release', 'status', 'api-ctx', '-o', 'json', '--kubeconfig', kc]).done;
        assert.equal(r.code, 0, r.stderr);
        const v = JSON.parse(r.stdout);
        assert.deepEqual([v.namespace, v.next.command], [ns, 'plinth release status api-ctx --watch'], 'no -n in suggestions: it is the default');
        const other = await start(['release', 'status', 'api-ctx', '-n', 'default', '--kubeconfig', kc]).done;
        assert.equal(other.code, 1);
        assert.match(other.stderr, /no CellDeployment or ReleaseOrder named "api-ctx" in namespace default/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('history appends racing a controller-like status writer lose nothing', async () => {
      await order('api-race', { phase: 'Progressing', currentBatch: 0, batches: batches(['Running']), history: [] });
      const stopAt = Date.now() + 60_000;
      let controllerWrites = 0;
      const controller = (async (): Promise<void> => {
        // Like writeOrderStatus: read, compute from what was read, PUT with its resourceVersion, retry on conflict.
        while (controllerWrites < 15 && Date.now() < stopAt) {
          const o = await getOrder(env.client, ns, 'api-race');
          const status = { ...o.status, history: appendHistory(o.status?.history, historyEntry(new Date(), SYSTEM_ACTOR, 'Tick', { message: `write ${controllerWrites}` })) };
          try {
            await env.client.replace(roRef(ns), 'api-race', { ...o, status }, { subresource: 'status' });
            controllerWrites++;
          } catch (err) {
            if (!isConflict(err)) throw err;
          }
        }
      })();
      const users = Array.from({ length: 8 }, (_, i) => recordHistory(env.client, ns, 'api-race', historyEntry(new Date(), `user-${i}`, 'Note', { message: `n${i}` })));
      const cli = [plinth('release', 'pause', 'api-race', ...n), plinth('release', 'rollback', 'api-race', ...n)];
      await Promise.all([controller, ...users]);
      for (const r of await Promise.all(cli)) assert.equal(r.code, 0, r.stderr);
      const o = await getOrder(env.client, ns, 'api-race');
      const h = o.status!.history!;
      assert.equal(h.filter((e) => e.action === 'Tick').length, 15);
      assert.deepEqual(h.filter((e) => e.action === 'Note').map((e) => e.by).sort(), Array.from({ length: 8 }, (_, i) => `user-${i}`));
      assert.deepEqual(userEntries(o).filter((e) => !e.startsWith('Note')).sort(), [`Pause#0 by ${me.username}`, `Rollback#0 by ${me.username}`]);
      assert.deepEqual([o.spec.paused, o.spec.rollback], [true, true]);
    });

    test('the live view on a TTY redraws on changes and ends with the release; Ctrl-C ends a watch', async () => {
      const o = await order('api-tty', { phase: 'Progressing', currentBatch: 0, batches: batches(['Running', 'Pending']) });
      const live = start(['release', 'status', 'api-tty', ...n, '--watch', '--kubeconfig', kubeconfig], { tty: true });
      await eventually('the first frame', () => Promise.resolve(live.out().includes('Phase:') ? true : undefined), 30_000);
      const o2 = await env.client.replace<ReleaseOrder>(roRef(ns), 'api-tty', { ...o, status: { ...o.status, phase: 'WaitingForConfirm', currentBatch: 1, batches: batches(['Succeeded', 'WaitingForConfirm']) } }, { subresource: 'status' });
      await eventually('a frame with the new phase', () => Promise.resolve(/Phase: +WaitingForConfirm/.test(live.out()) ? true : undefined), 30_000);
      await env.client.replace(roRef(ns), 'api-tty', { ...o2, status: { ...o2.status, phase: 'Completed', batches: batches(['Succeeded', 'Succeeded']) } }, { subresource: 'status' });
      const r = await live.done;
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const frames = r.stdout.split('\x1b[H\x1b[2J').filter((f) => f.includes('Phase:'));
      assert.ok(frames.length >= 3, `frames: ${frames.length}`);
      assert.match(frames[0]!, /plinth release status api-tty -n cli-fixed --watch · .* · Ctrl-C to stop/);
      assert.match(frames[0]!, /Phase: +Progressing/);
      assert.match(frames.at(-1)!, /Phase: +Completed/);
      assert.match(frames.at(-1)!, /^2 +Succeeded +zone-a,zone-b +2 /m);
      assert.ok(r.stdout.includes('\x1b[?25l') && r.stdout.trimEnd().endsWith('\x1b[?25h'), 'the cursor is hidden while drawing and shown again');

      // Ctrl-C (SIGINT) ends a watch with exit code 0.
      await order('api-sigint', { phase: 'Progressing', currentBatch: 0, batches: batches(['Running']) });
      const w = start(['release', 'status', 'api-sigint', ...n, '--watch', '--kubeconfig', kubeconfig]);
      await eventually('the first line', () => Promise.resolve(w.out().includes('api-sigint') ? true : undefined), 30_000);
      await sleep(300);
      w.child.kill('SIGINT');
      const s = await w.done;
      assert.deepEqual([s.code, s.signal], [0, null], s.stderr);
    });
  });
});

test('Kubernetes 1.24 serves no SelfSubjectReview: the CLI records the client certificate\'s user', { timeout: 300_000 }, async () => {
  const cluster = await startCluster({ version: 'old', nodes: 1, zones: 1 });
  const client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
  try {
    await installCrds(client);
    await assert.rejects(
      client.create(ref('authentication.k8s.io/v1', 'selfsubjectreviews'), { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
      (e: { status?: number }) => e.status === 404,
    );
    const ro = roRef('default');
    const created = await client.create<ReleaseOrder>(ro, {
      apiVersion: 'apps.plinth.dev/v1alpha1',
      kind: 'ReleaseOrder',
      metadata: { name: 'old-r2', namespace: 'default' },
      spec: { target: { name: 'old' }, fromRevision: 'r1', toRevision: 'r2' },
    });
    await client.replace(ro, 'old-r2', { ...created, status: { phase: 'Progressing', currentBatch: 0, batches: [{ index: 0, pods: ['p'], phase: 'Running', startedAt: '2026-01-01T10:00:00Z' }] } }, { subresource: 'status' });
    const r = await start(['release', 'pause', 'old-r2', '-o', 'json', '--kubeconfig', cluster.kubeconfigPath]).done;
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { by: { user: string; groups: string[]; source: string } };
    assert.deepEqual(out.by, { user: 'plinth-admin', groups: ['system:masters'], source: 'client certificate' });
    const o = await client.get<ReleaseOrder>(ro, 'old-r2');
    assert.deepEqual(userEntries(o), ['Pause#0 by plinth-admin']);
    assert.equal(o.spec.paused, true);
  } finally {
    client.close();
    await cluster.stop();
  }
});
