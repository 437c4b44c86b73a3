// `plinth upgrade nodes` control on a real NEW cluster: resume after SIGKILL (every node upgraded exactly once,
// none drained twice), a second concurrent run refused naming the holder, pause/resume, abort, and bad input.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { KubeClient } from '../src/kube/http.js';
import { CORE, inNamespace } from '../src/kube/resource.js';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { CORDONED_BY } from '../src/upgrade/nodes/drain.js';
import { LEASE_NAME, RunStore } from '../src/upgrade/nodes/store.js';
import { newNodeState } from '../src/upgrade/nodes/state.js';
import { FlakyProxy, kubeconfigVia } from './support/flaky-proxy.js';
import { LEASE_DURATION_MS, leaseLive } from '../src/upgrade/nodes/lock.js';
import { KubeLeaseLock } from '../src/kube/leader.js';
import {
  CordonWatcher,
  createDaemonSet,
  createDeployment,
  createPdb,
  ensureNamespace,
  PdbWatcher,
  runNodes,
  sleep,
  spawnNodes as spawnCli,
  waitDeploymentsReady,
  waitFor,
} from './support/upgrade-nodes-env.js';

const NS = 'shop';
const NODES = 6;

/** An --exec action that upgrades a simulated node through kubectl and logs the node once it acts. */
function execAction(kubeconfig: string, log: string, version: string, sleepSeconds = 1): string[] {
  const kc = `kubectl --kubeconfig ${kubeconfig}`;
  const status = JSON.stringify({ status: { nodeInfo: { kubeletVersion: version, kubeProxyVersion: version } } });
  const cmd = [
    `sleep ${sleepSeconds}`,
    `echo {node} >> ${log}`,
    `${kc} annotate node {node} --overwrite kwok.plinth.dev/kubelet-version=${version} >/dev/null`,
    `${kc} patch node {node} --subresource=status --type=merge -p '${status}' >/dev/null`,
  ].join(' && ');
  return ['--exec', cmd, '--kubelet-version', version];
}

const children: Array<ReturnType<typeof spawnCli>> = [];
/** Spawned runs are tracked so that a failed test leaves none behind (and shows what they said). */
function spawnNodes(args: readonly string[], kubeconfig: string): ReturnType<typeof spawnCli> {
  const c = spawnCli(args, kubeconfig);
  children.push(c);
  return c;
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

describe('upgrade nodes: resume, lock, pause, abort, validation (NEW)', { concurrency: false }, () => {
  let cluster: LocalCluster;
  let client: KubeClient;
  let watcher: PdbWatcher;
  let cordons: CordonWatcher;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plinth-nodes-'));
    cluster = await startCluster({ version: 'new', nodes: NODES, zones: 3 });
    client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
    await ensureNamespace(client, NS);
    await createDeployment(client, NS, 'web', 12);
    await createDaemonSet(client, NS, 'agent');
    await createPdb(client, 'policy/v1', NS, 'web', 'web', { maxUnavailable: 1 });
    await waitDeploymentsReady(client, NS, ['web']);
    watcher = new PdbWatcher(client, 'policy/v1', new Map([[`${NS}/web`, 12], [`${NS}/blocked`, 2]]));
    await watcher.start();
    cordons = new CordonWatcher(client);
    await cordons.start();
    watcher.arm();
  });

  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.child.exitCode === null && c.child.signalCode === null) {
        c.child.kill('SIGKILL');
        const r = await c.result;
        process.stdout.write(`# killed a leftover run; its stderr:\n${r.stderr}\n`);
      }
    }
  });

  after(async () => {
    await watcher?.stop();
    await cordons?.stop();
    client?.close();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('bad input: one clear line each, nothing started', async () => {
    const kc = cluster.kubeconfigPath;
    const unreachable = join(dir, 'unreachable.kubeconfig');
    writeFileSync(unreachable, readFileSync(kc, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1'));
    const cases: Array<[string[], RegExp, string]> = [
      [['--max-unavailable', '0', '--simulate-version', 'v1.35.0'], /invalid --max-unavailable: 0 would never upgrade a node/, kc],
      [['--max-unavailable', '150%', '--simulate-version', 'v1.35.0'], /invalid --max-unavailable: "150%" is not a percentage from 1% to 100%/, kc],
      [['--max-unavailable', 'lots', '--simulate-version', 'v1.35.0'], /invalid --max-unavailable: "lots" is not a number or a percentage/, kc],
      [['--max-unavailable', '1'], /invalid upgrade action: none given/, kc],
      [['--max-unavailable', '1', '--exec', 'true', '--simulate-version', 'v1.35.0'], /--exec and --simulate-version were both given/, kc],
      [['-l', 'role in (a', '--max-unavailable', '1', '--simulate-version', 'v1.35.0'], /invalid -l\/--selector: "role in \(a" is not a label selector/, kc],
      [['-l', 'pool=none', '--max-unavailable', '1', '--simulate-version', 'v1.35.0'], /no node matches the selector pool=none \(UPGRADE_NODES_NO_NODES\)/, kc],
      [['--max-unavailable', '1', '--simulate-version', 'v1.35.0'], /cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:1/, unreachable],
      [['--resume', '--name', 'nothing-here'], /no node upgrade run named "nothing-here"/, kc],
    ];
    const results = await Promise.all(cases.map(([args, , k]) => runNodes(args, k)));
    results.forEach((r, i) => {
      const [args, re] = cases[i]!;
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
    });
    const nodes = (await client.list<V1Node>(CORE.nodes)).items;
    assert.ok(nodes.every((n) => n.spec?.unschedulable !== true), 'no node was cordoned');
  });

  test('an ssh action to an unresolvable host fails its preflight: the nodes are named, none is cordoned, no pod is evicted', async () => {
    const pods = (await client.list<V1Pod>(inNamespace(CORE.pods, NS))).items.map((p) => p.metadata!.uid!).sort();
    const names = (await client.list<V1Node>(CORE.nodes)).items.map((n) => n.metadata!.name!).sort();
    const r = await runNodes(['--max-unavailable', '2', '--name', 'unreachable', '--ssh', 'nobody@{node}.invalid', '--ssh-command', 'sudo /opt/upgrade-kubelet.sh'], cluster.kubeconfigPath);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`the upgrade action failed its preflight on ${NODES} of ${NODES} node\\(s\\), so no node was cordoned or drained: ${names[0]}: ssh exited with 255: ssh: Could not resolve hostname ${names[0]}\\.invalid`));
    assert.match(r.stderr, /\(UPGRADE_NODES_PREFLIGHT_FAILED\); `ssh -o BatchMode=yes nobody@\{node\}\.invalid true` must work for every node.*--skip-preflight/);
    assert.equal(cordons.cordons.size, 0, `no node was ever cordoned: ${JSON.stringify([...cordons.cordons])}`);
    const nodes = (await client.list<V1Node>(CORE.nodes)).items;
    assert.ok(nodes.every((n) => n.spec?.unschedulable !== true), 'every node is schedulable');
    const after = (await client.list<V1Pod>(inNamespace(CORE.pods, NS))).items.map((p) => p.metadata!.uid!).sort();
    assert.deepEqual(after, pods, 'no pod was evicted');
    assert.equal(await RunStore.read(client, 'plinth-system', 'unreachable'), undefined, 'no run was started');
  });

  test('every node already at the requested version: says so, starts no run, touches nothing', async () => {
    const versions = new Set((await client.list<V1Node>(CORE.nodes)).items.map((n) => n.status?.nodeInfo?.kubeletVersion));
    assert.equal(versions.size, 1, [...versions].join(', '));
    const [version] = [...versions];
    const r = await runNodes(['--max-unavailable', '2', '--name', 'same', '--simulate-version', version!, '-o', 'json'], cluster.kubeconfigPath);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `nothing to upgrade: all ${NODES} selected nodes already report kubelet ${version}; no run was started\n`);
    assert.equal(r.stdout, '');
    assert.equal(await RunStore.read(client, 'plinth-system', 'same'), undefined);
    assert.equal(cordons.cordons.size, 0);
  });

  test('SIGKILL mid-run, then --resume: every node upgraded exactly once, none drained twice, no PDB violated', async () => {
    const log = join(dir, 'kill.log');
    const version = 'v1.35.1';
    const first = spawnNodes(['--max-unavailable', '2', '--name', 'killme', ...execAction(cluster.kubeconfigPath, log, version)], cluster.kubeconfigPath);
    await waitFor(() => lines(log).length >= 2, 'two nodes upgraded by the first run', 90_000, 50);
    first.child.kill('SIGKILL');
    await first.result;
    const mid = (await RunStore.read(client, 'plinth-system', 'killme'))!;
    const phases = Object.values(mid.state.nodes).map((n) => n.phase);
    process.stdout.write(`# killed with node phases: ${phases.join(', ')}\n`);
    assert.equal(mid.state.phase, 'Running');
    assert.ok(phases.some((p) => p !== 'done'), 'the run was interrupted before the end');
    const t0 = Date.now();
    const r = await runNodes(['--resume', '--name', 'killme', '-o', 'json'], cluster.kubeconfigPath);
    assert.equal(r.code, 0, r.stderr);
    const resumedMs = Date.now() - t0;
    process.stdout.write(`# resumed after ${(resumedMs / 1000).toFixed(1)}s\n`);
    // The killed run ran on this host: its lease is released at once, not waited out.
    assert.match(r.stderr, /the lease holder killme@\S+ is no longer running on this host; its lease is released/);
    assert.doesNotMatch(r.stderr, /waiting for the lease/);
    const rep = JSON.parse(r.stdout) as { phase: string; nodes: Array<{ name: string; phase: string; to?: string }> };
    assert.equal(rep.phase, 'Succeeded');
    assert.ok(rep.nodes.every((n) => n.phase === 'done' && n.to === version), JSON.stringify(rep.nodes));
    const upgraded = lines(log);
    assert.equal(upgraded.length, NODES, `each node upgraded once: ${upgraded.join(',')}`);
    assert.equal(new Set(upgraded).size, NODES);
    for (const [node, count] of cordons.cordons) assert.equal(count, 1, `${node} was cordoned (drained) ${count} times`);
    assert.equal(cordons.cordons.size, NODES);
    assert.deepEqual(watcher.violations, []);
    const nodes = (await client.list<V1Node>(CORE.nodes)).items;
    assert.ok(nodes.every((n) => n.spec?.unschedulable !== true && n.status?.nodeInfo?.kubeletVersion === version));
  });

  test('--pause stops after the node in flight; nothing moves while paused; --resume finishes', async () => {
    const log = join(dir, 'pause.log');
    const version = 'v1.35.2';
    const run = spawnNodes(['--max-unavailable', '1', '--name', 'p1', ...execAction(cluster.kubeconfigPath, log, version, 3)], cluster.kubeconfigPath);
    await waitFor(() => lines(log).length >= 1, 'the first node upgraded', 90_000, 50);
    const pause = await runNodes(['--pause', '--name', 'p1'], cluster.kubeconfigPath);
    assert.equal(pause.code, 0, pause.stderr);
    const paused = await run.result;
    assert.equal(paused.code, 0, paused.stderr);
    assert.match(paused.stderr, /run p1 paused; continue with `plinth upgrade nodes --resume --name p1`/);
    const status = await runNodes(['--status', '--name', 'p1', '-o', 'json'], cluster.kubeconfigPath);
    const st = JSON.parse(status.stdout) as { phase: string; control: string; counts: { done: number; pending: number; inFlight: number } };
    assert.equal(st.phase, 'Paused');
    assert.equal(st.counts.inFlight, 0);
    assert.ok(st.counts.pending > 0 && st.counts.done >= 1, JSON.stringify(st.counts));
    const atPause = lines(log).length;
    await sleep(3000);
    assert.equal(lines(log).length, atPause, 'nothing moves while paused');
    const resumed = await runNodes(['--resume', '--name', 'p1', '-o', 'json'], cluster.kubeconfigPath);
    assert.equal(resumed.code, 0, resumed.stderr);
    const rep = JSON.parse(resumed.stdout) as { phase: string; control: string; counts: { done: number } };
    assert.equal(rep.phase, 'Succeeded');
    assert.equal(rep.counts.done, NODES);
    assert.equal(new Set(lines(log)).size, NODES);
    assert.equal(lines(log).length, NODES);
    assert.deepEqual(watcher.violations, []);
  });

  test('a node its own crashed run cordoned is uncordoned at the end; a node an operator cordoned stays cordoned', async () => {
    const names = (await client.list<V1Node>(CORE.nodes)).items.map((n) => n.metadata!.name!).sort();
    const [own, operator] = [names[0]!, names[1]!];
    // What a run killed between its cordon patch and its next state write leaves: the node cordoned, the state pending.
    await client.patch(CORE.nodes, own, { metadata: { annotations: { [CORDONED_BY]: 'pre' } }, spec: { unschedulable: true } }, 'merge');
    await client.patch(CORE.nodes, operator, { spec: { unschedulable: true } }, 'merge');
    try {
      const r = await runNodes(['--max-unavailable', '2', '--name', 'pre', '--simulate-version', 'v1.35.5', '-o', 'json'], cluster.kubeconfigPath);
      assert.equal(r.code, 0, r.stderr);
      const nodes = new Map((await client.list<V1Node>(CORE.nodes)).items.map((n) => [n.metadata!.name!, n]));
      assert.equal(nodes.get(own)!.spec?.unschedulable, undefined, `${own} (cordoned by run pre itself) is schedulable again`);
      assert.equal(nodes.get(operator)!.spec?.unschedulable, true, `${operator} (cordoned before the run) stays cordoned`);
      for (const [name, n] of nodes) assert.equal(n.metadata?.annotations?.[CORDONED_BY], undefined, `${name} keeps no cordoned-by mark`);
      assert.ok([...nodes.values()].every((n) => n.status?.nodeInfo?.kubeletVersion === 'v1.35.5'));
    } finally {
      await client.patch(CORE.nodes, operator, { spec: { unschedulable: null } }, 'merge');
    }
    assert.deepEqual(watcher.violations, []);
  });

  test('a second run is refused naming the holder; --abort stops a drain blocked by a PDB, uncordons its node, ends the run Aborted', async () => {
    await createDeployment(client, NS, 'blocked', 2);
    await createPdb(client, 'policy/v1', NS, 'blocked', 'blocked', { minAvailable: 2 });
    await waitDeploymentsReady(client, NS, ['blocked']);
    await waitFor(async () => {
      const b = await client.get<{ status?: { currentHealthy?: number } }>({ group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', namespace: NS }, 'blocked');
      return b.status?.currentHealthy === 2;
    }, 'PDB blocked observed');
    const pods = (await client.list<V1Pod>(CORE.pods, { labelSelector: 'app=blocked' })).items;
    const run = spawnNodes(['--max-unavailable', '2', '--name', 'ab', '--simulate-version', 'v1.35.3'], cluster.kubeconfigPath);
    await waitFor(async () => {
      const s = await RunStore.read(client, 'plinth-system', 'ab');
      return Object.values(s?.state.nodes ?? {}).some((n) => n.blockedBy?.includes(`${NS}/blocked`));
    }, 'a drain blocked by shop/blocked', 90_000);
    const second = await runNodes(['--max-unavailable', '1', '--name', 'other', '--simulate-version', 'v1.40.0'], cluster.kubeconfigPath);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /another node upgrade run acts on this cluster: ab@\S+ holds lease plinth-system\/plinth-upgrade-nodes/);
    assert.equal(await RunStore.read(client, 'plinth-system', 'other'), undefined, 'the refused run wrote nothing');
    const abort = await runNodes(['--abort', '--name', 'ab'], cluster.kubeconfigPath);
    assert.equal(abort.code, 0, abort.stderr);
    // The run was acting, and carried the abort out itself.
    assert.doesNotMatch(abort.stdout, /no run was acting on it/);
    assert.match(abort.stdout, /^run ab aborted by the process acting on it: its drains stopped and their nodes were uncordoned/);
    const res = await run.result;
    assert.equal(res.code, 5, res.stderr);
    assert.match(res.stderr, /run "ab" was aborted \(UPGRADE_NODES_ABORTED\)/);
    const s = (await RunStore.read(client, 'plinth-system', 'ab'))!;
    assert.equal(s.state.phase, 'Aborted');
    const abortedNodes = Object.values(s.state.nodes).filter((n) => n.phase === 'aborted');
    assert.ok(abortedNodes.length >= 1);
    const nodes = (await client.list<V1Node>(CORE.nodes)).items;
    assert.ok(nodes.every((n) => n.spec?.unschedulable !== true), 'every node is schedulable again');
    const still = (await client.list<V1Pod>(CORE.pods, { labelSelector: 'app=blocked' })).items.map((p) => p.metadata!.uid).sort();
    assert.deepEqual(still, pods.map((p) => p.metadata!.uid).sort(), 'the protected pods were never evicted');
    assert.deepEqual(watcher.violations, []);
  });

  test('--abort after the run was SIGKILLed mid-drain: sees the run\'s process is gone, uncordons its nodes at once and ends the run Aborted', async () => {
    // shop/blocked (minAvailable 2 of 2) from the test before keeps a drain blocked for as long as it takes.
    const pods = (await client.list<V1Pod>(CORE.pods, { labelSelector: 'app=blocked' })).items.map((p) => p.metadata!.uid).sort();
    assert.equal(pods.length, 2);
    const run = spawnNodes(['--max-unavailable', '2', '--name', 'crashed', '--simulate-version', 'v1.35.4'], cluster.kubeconfigPath);
    await waitFor(async () => {
      const s = await RunStore.read(client, 'plinth-system', 'crashed');
      return Object.values(s?.state.nodes ?? {}).some((n) => n.blockedBy?.includes(`${NS}/blocked`));
    }, 'a drain blocked by shop/blocked', 90_000);
    run.child.kill('SIGKILL');
    await run.result;
    const cordoned = (await client.list<V1Node>(CORE.nodes)).items.filter((n) => n.spec?.unschedulable === true).map((n) => n.metadata!.name!);
    assert.ok(cordoned.length >= 1, 'the killed run left at least one node cordoned');
    const t0 = Date.now();
    const abort = await runNodes(['--abort', '--name', 'crashed'], cluster.kubeconfigPath);
    const waited = Date.now() - t0;
    assert.equal(abort.code, 0, abort.stderr);
    // The dead run's lease (20 s) is not waited out: its holder ran on this host and its process is gone.
    assert.doesNotMatch(abort.stderr, /waiting for/);
    assert.ok(waited < LEASE_DURATION_MS, `--abort took ${waited} ms`);
    assert.match(abort.stdout, /run crashed aborted \(no run was acting on it\): uncordoned \S+/);
    process.stdout.write(`# --abort finished ${(waited / 1000).toFixed(1)}s after the kill\n`);
    const s = (await RunStore.read(client, 'plinth-system', 'crashed'))!;
    assert.equal(s.state.phase, 'Aborted');
    const phases = JSON.stringify(Object.values(s.state.nodes).map((n) => `${n.name}:${n.phase}`));
    assert.ok(Object.values(s.state.nodes).some((n) => n.phase === 'aborted'), phases);
    // The other node in the window may have been past its drain when the run died (max-unavailable 2):
    // mid-upgrade it stays cordoned and failed (nobody knows how far the action got); upgraded, it is done.
    const leftCordoned = Object.values(s.state.nodes).filter((n) => n.phase === 'failed');
    for (const n of leftCordoned) assert.match(n.message ?? '', /left as it was \(check it, then uncordon it\)/);
    const nodes = (await client.list<V1Node>(CORE.nodes)).items;
    for (const n of nodes) {
      const name = n.metadata!.name!;
      const failed = leftCordoned.some((f) => f.name === name);
      assert.equal(n.spec?.unschedulable === true, failed, `${name} is ${failed ? 'still cordoned (failed mid-upgrade)' : 'schedulable again'}; was cordoned: ${cordoned.join(', ')}; ${phases}`);
      if (!failed) assert.equal(n.metadata?.annotations?.[CORDONED_BY], undefined, `${name} keeps no cordoned-by mark`);
    }
    for (const n of leftCordoned) await client.patch(CORE.nodes, n.name, { metadata: { annotations: { [CORDONED_BY]: null } }, spec: { unschedulable: null } }, 'merge');
    const still = (await client.list<V1Pod>(CORE.pods, { labelSelector: 'app=blocked' })).items.map((p) => p.metadata!.uid).sort();
    assert.deepEqual(still, pods, 'the protected pods were never evicted');
    const lease = await new KubeLeaseLock(client, 'plinth-system', LEASE_NAME).get(AbortSignal.timeout(10_000));
    assert.ok(!lease || !leaseLive(lease.record, Date.now()), `the lock was given back: ${JSON.stringify(lease?.record)}`);
    assert.deepEqual(watcher.violations, []);
  });
  test('API outages during a run (connections reset and refused) are retried: no node fails for them, the run succeeds', async () => {
    await client.delete({ group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', namespace: NS }, 'blocked');
    const proxy = await FlakyProxy.start(cluster.kubeConfig.getCurrentCluster()!.server);
    const kubeconfig = kubeconfigVia(cluster.kubeconfigPath, proxy.port, join(dir, 'flaky.kubeconfig'));
    try {
      const run = spawnNodes(['--max-unavailable', '2', '--name', 'flaky', '--simulate-version', 'v1.35.6'], kubeconfig);
      await waitFor(async () => Object.values((await RunStore.read(client, 'plinth-system', 'flaky'))?.state.nodes ?? {}).some((n) => n.phase !== 'pending'), 'the run started', 60_000);
      let exited = false;
      void run.result.then(() => (exited = true));
      let outages = 0;
      // Five cuts while nodes drain and upgrade (every cut also breaks the run's watches and its lease renewals).
      while (!exited && outages < 5) {
        await proxy.outage(1500);
        outages++;
        await sleep(1500);
      }
      const r = await run.result;
      assert.equal(r.code, 0, r.stderr.slice(-3000));
      const s = (await RunStore.read(client, 'plinth-system', 'flaky'))!;
      assert.equal(s.state.phase, 'Succeeded');
      assert.deepEqual(Object.values(s.state.nodes).filter((n) => n.phase !== 'done').map((n) => `${n.name}: ${n.phase} ${n.message ?? ''}`), []);
      const redone = Object.values(s.state.nodes).reduce((a, n) => a + (n.transientErrors ?? 0), 0);
      process.stdout.write(`# ${outages} outages of 1.5 s (${proxy.cut} connections cut): ${redone} node phase(s) redone after an API error\n`);
      assert.ok(outages >= 2 && proxy.cut > 0, 'the run saw outages');
    } finally {
      await proxy.stop();
    }
    assert.deepEqual(watcher.violations, []);
  });

  test('--abort of a dead run, node by node: mid-drain and cordoned-pending are uncordoned, upgraded is done, mid-upgrade stays cordoned', async () => {
    // A dead run's state, written as it would be: no lease is held, so --abort finishes it at once.
    const names = (await client.list<V1Node>(CORE.nodes)).items.map((n) => n.metadata!.name!).sort();
    const phases = ['drain', 'upgrade', 'wait-ready', 'uncordon', 'health', 'pending'] as const;
    const run = 'seeded';
    const nodes = Object.fromEntries(names.map((name, i) => [name, { ...newNodeState(name), phase: phases[i % phases.length]! }]));
    for (const name of names.filter((_, i) => phases[i % phases.length] !== 'health')) {
      await client.patch(CORE.nodes, name, { metadata: { annotations: { [CORDONED_BY]: run } }, spec: { unschedulable: true } }, 'merge');
    }
    const state = { ...(await RunStore.read(client, 'plinth-system', 'crashed'))!.state, name: run, phase: 'Running' as const, nodes, finishedAt: undefined };
    await new RunStore(client, 'plinth-system', run, state).create();
    const abort = await runNodes(['--abort', '--name', run], cluster.kubeconfigPath);
    assert.equal(abort.code, 0, abort.stderr);
    const s = (await RunStore.read(client, 'plinth-system', run))!;
    assert.equal(s.state.phase, 'Aborted');
    const expected: Record<(typeof phases)[number], { phase: string; cordoned: boolean }> = {
      drain: { phase: 'aborted', cordoned: false },
      upgrade: { phase: 'failed', cordoned: true },
      'wait-ready': { phase: 'failed', cordoned: true },
      uncordon: { phase: 'done', cordoned: false },
      health: { phase: 'done', cordoned: false },
      pending: { phase: 'pending', cordoned: false },
    };
    const live = new Map((await client.list<V1Node>(CORE.nodes)).items.map((n) => [n.metadata!.name!, n]));
    const stayed: string[] = [];
    names.forEach((name, i) => {
      const was = phases[i % phases.length]!;
      const want = expected[was];
      assert.equal(s.state.nodes[name]!.phase, want.phase, `${name} (was ${was})`);
      assert.equal(live.get(name)!.spec?.unschedulable === true, want.cordoned, `${name} (was ${was}) ${want.cordoned ? 'stays cordoned' : 'is schedulable'}`);
      if (want.cordoned) stayed.push(name);
    });
    assert.match(abort.stdout, new RegExp(`left cordoned \\(stopped mid-upgrade; check, then \`kubectl uncordon\`\\): ${stayed.join(', ')}`));
    for (const name of stayed) await client.patch(CORE.nodes, name, { metadata: { annotations: { [CORDONED_BY]: null } }, spec: { unschedulable: null } }, 'merge');
  });

  test('--preflight with --exec: the one node it fails on is named and nothing starts; --skip-preflight starts anyway', async () => {
    const names = (await client.list<V1Node>(CORE.nodes)).items.map((n) => n.metadata!.name!).sort();
    const bad = names[2]!;
    const before = new Map(cordons.cordons);
    const pf = ['--exec', 'true', '--preflight', `test {node} != ${bad} || { echo "$PLINTH_NODE is not reachable" >&2; exit 7; }`];
    const r = await runNodes(['--max-unavailable', '2', '--name', 'pf', ...pf], cluster.kubeconfigPath);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`failed its preflight on 1 of ${NODES} node\\(s\\), so no node was cordoned or drained: ${bad}: sh exited with 7: ${bad} is not reachable \\(UPGRADE_NODES_PREFLIGHT_FAILED\\); the --preflight command must exit 0 for every node`));
    assert.deepEqual(cordons.cordons, before, 'no node was cordoned');
    assert.equal(await RunStore.read(client, 'plinth-system', 'pf'), undefined);
    const skipped = await runNodes(['-l', `kubernetes.io/hostname=${bad}`, '--max-unavailable', '1', '--name', 'pf', ...pf, '--skip-preflight', '-o', 'json'], cluster.kubeconfigPath);
    assert.equal(skipped.code, 0, skipped.stderr);
    const rep = JSON.parse(skipped.stdout) as { phase: string; nodes: Array<{ name: string; phase: string }> };
    assert.equal(rep.phase, 'Succeeded');
    assert.deepEqual(rep.nodes.map((n) => `${n.name}:${n.phase}`), [`${bad}:done`]);
    assert.deepEqual(watcher.violations, []);
  });

  test('a cordoned-by mark left on a node someone uncordoned (kubectl uncordon) is removed by the next run', async () => {
    const names = (await client.list<V1Node>(CORE.nodes)).items.map((n) => n.metadata!.name!).sort();
    const [left, other] = [names[3]!, names[4]!];
    // What a failed run leaves: the node cordoned with the run's mark. An operator checks it and uncordons it.
    await client.patch(CORE.nodes, left, { metadata: { annotations: { [CORDONED_BY]: 'failedrun' } }, spec: { unschedulable: true } }, 'merge');
    execFileSync('kubectl', ['--kubeconfig', cluster.kubeconfigPath, 'uncordon', left], { stdio: 'pipe' });
    const uncordoned = await client.get<V1Node>(CORE.nodes, left);
    assert.notEqual(uncordoned.spec?.unschedulable, true);
    assert.equal(uncordoned.metadata?.annotations?.[CORDONED_BY], 'failedrun', 'kubectl uncordon keeps the mark');
    // The next run, on another node, removes it before it cordons anything.
    const r = await runNodes(['-l', `kubernetes.io/hostname=${other}`, '--max-unavailable', '1', '--name', 'sweep', '--simulate-version', 'v1.35.7'], cluster.kubeconfigPath);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`${left}: removed the stale mark upgrade\\.plinth\\.dev/cordoned-by=failedrun \\(the node was uncordoned by someone else\\)`));
    const after = await client.get<V1Node>(CORE.nodes, left);
    assert.equal(after.metadata?.annotations?.[CORDONED_BY], undefined, `${left} keeps no cordoned-by mark`);
    assert.notEqual(after.spec?.unschedulable, true);
    assert.deepEqual(watcher.violations, []);
  });
});
