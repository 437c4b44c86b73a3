// The FleetDelivery controller and `plinth fleet rollout …` on ONE real hub cluster. The test plays every other
// part: it creates the MemberClusters (accepted, labels, Connected), the member namespaces, the GitSource status
// (commit + artifacts[] digests or a render error), the hub-info ConfigMap, and acts as the agents (writes
// ClusterDelivery status: appliedSequence, health). The controller runs in this process and is stopped and
// started again mid-rollout. An invariant watcher over every ClusterDelivery checks, through the whole file,
// that no sequence ever decreases, that a sequence always means one revision, and that no ClusterDelivery ever
// names a revision nobody published.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ClusterDelivery, FleetDelivery, GitSource, MemberCluster } from '../src/api/index.js';
import { installCrds } from '../src/api/install.js';
import { startFleetDeliveryController } from '../src/fleet/delivery/controller.js';
import { createDeliveryInformers, stopDeliveryInformers } from '../src/fleet/delivery/informers.js';
import { DELIVERY_FINALIZER, FLEET_API_VERSION, RES } from '../src/fleet/delivery/keys.js';
import { SYSTEM_ACTOR } from '../src/fleet/delivery/types.js';
import { clusterDeliveryName, FLEET_NAMESPACE, HUB_INFO_CONFIGMAP, LABEL_CLUSTER, LABEL_DELIVERY_NAME, memberNamespace } from '../src/fleet/names.js';
import { isConflict, isNotFound } from '../src/kube/api-error.js';
import { sleep } from '../src/kube/clock.js';
import { KubeClient } from '../src/kube/http.js';
import { Informer } from '../src/kube/informer.js';
import { ensureNamespace } from '../src/kube/namespaces.js';
import { CORE, inNamespace, type KubeObject } from '../src/kube/resource.js';
import { rfc3339 } from '../src/kube/clock.js';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { until } from './support/cli.js';

const NS = 'apps';
const NAME = 'web';
const CD_NAME = clusterDeliveryName(NS, NAME);
const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
const CLUSTERS: Record<string, string> = { p1: 'province', p2: 'province', p3: 'province', e1: 'edge', e2: 'edge', h1: 'hub' };

let cluster: LocalCluster;
let client: KubeClient;
let kubeconfig = '';

// ---- the CLI, as a subprocess -------------------------------------------------------------------------------
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
const cliMs: number[] = [];
function plinth(...args: string[]): Promise<Run> {
  const t0 = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app/cli/main.ts', ...args, '--kubeconfig', kubeconfig], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => {
    cliMs.push(Date.now() - t0);
    resolve({ code, stdout, stderr });
  }));
}
async function ok(...args: string[]): Promise<string> {
  const r = await plinth(...args);
  assert.equal(r.code, 0, `plinth ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

// ---- the controller, in process, stoppable ------------------------------------------------------------------
let running: { stop: () => Promise<void> } | undefined;
function startController(): void {
  const ac = new AbortController();
  const informers = createDeliveryInformers(client);
  const c = startFleetDeliveryController({ client, informers, signal: ac.signal });
  running = {
    stop: async () => {
      ac.abort();
      await c.done;
      await stopDeliveryInformers(informers);
    },
  };
}

// ---- the hub objects the test writes ------------------------------------------------------------------------
const published = new Set<string>();
async function publish(commit: string, entry: { digest?: string; error?: string }): Promise<void> {
  if (entry.digest) published.add(commit);
  const ref = inNamespace(RES.gitSources, NS);
  for (;;) {
    const gs = await client.get<GitSource>(ref, 'repo');
    gs.status = { ...(gs.status ?? {}), commit, artifacts: [{ path: 'web', ...entry }] };
    try {
      await client.replace(ref, 'repo', gs, { subresource: 'status' });
      return;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
}

async function setMemberStatus(name: string, connected: 'True' | 'False', since = new Date()): Promise<void> {
  for (;;) {
    const m = await client.get<MemberCluster>(RES.memberClusters, name);
    m.status = { ...(m.status ?? {}), conditions: [{ type: 'Connected', status: connected, reason: connected === 'True' ? 'LeaseRenewed' : 'LeaseExpired', message: '', lastTransitionTime: rfc3339(since) }] };
    try {
      await client.replace(RES.memberClusters, name, m, { subresource: 'status' });
      return;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
}

const getFd = (): Promise<FleetDelivery> => client.get<FleetDelivery>(inNamespace(RES.fleetDeliveries, NS), NAME);
const getCd = async (c: string): Promise<ClusterDelivery | undefined> => {
  try {
    return await client.get<ClusterDelivery>(inNamespace(RES.clusterDeliveries, memberNamespace(c)), CD_NAME);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
};
async function cds(): Promise<Record<string, { revision: string; sequence: number; generation: number }>> {
  const list = await client.list<ClusterDelivery>(RES.clusterDeliveries, { labelSelector: `${LABEL_DELIVERY_NAME}=${NAME}` });
  return Object.fromEntries(list.items.map((cd) => [cd.metadata.labels?.[LABEL_CLUSTER] ?? '', { revision: cd.spec.revision, sequence: cd.spec.sequence, generation: cd.metadata.generation ?? 0 }]));
}
const revisions = async (): Promise<Record<string, string>> => Object.fromEntries(Object.entries(await cds()).map(([c, v]) => [c, v.revision]));

/** Polls until `probe` gives a value (test/support/cli.ts `until`), with this file's default bound. */
const eventually = <T,>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> => until(what, probe, timeoutMs);
const waitPhase = (phase: string, timeoutMs = 60_000): Promise<FleetDelivery> => eventually(`phase ${phase}`, async () => { const fd = await getFd(); return fd.status?.phase === phase ? fd : undefined; }, timeoutMs);
const waitWave = (wave: string, phase: string): Promise<FleetDelivery> => eventually(`wave ${wave} ${phase}`, async () => { const fd = await getFd(); return fd.status?.waves?.find((w) => w.name === wave)?.phase === phase ? fd : undefined; });

// ---- the agents: apply what they are given, healthy unless told otherwise -----------------------------------
/** cluster → the revision its agent reports Degraded (with a failure) at; every other revision is Healthy. */
const badRevision = new Map<string, string>();
let agentsStop = false;
let agentsDone: Promise<void> = Promise.resolve();
function runAgents(): void {
  agentsDone = (async () => {
    while (!agentsStop) {
      try {
        const list = await client.list<ClusterDelivery>(RES.clusterDeliveries, { labelSelector: LABEL_DELIVERY_NAME });
        for (const cd of list.items) {
          const c = cd.metadata.labels?.[LABEL_CLUSTER] ?? '';
          const b = badRevision.get(c) === cd.spec.revision ? 'Degraded' : 'Healthy';
          const st = cd.status ?? {};
          if (st.appliedSequence === cd.spec.sequence && st.health === b) continue;
          cd.status = { observedGeneration: cd.metadata.generation, appliedSequence: cd.spec.sequence, appliedRevision: cd.spec.revision, appliedDigest: cd.spec.artifact.digest, health: b, objects: 1, ...(b === 'Degraded' ? { failures: [{ kind: 'Deployment', namespace: 'web', name: 'web', message: 'progress deadline exceeded' }] } : {}) };
          try {
            await client.replace(inNamespace(RES.clusterDeliveries, cd.metadata.namespace), cd.metadata.name ?? '', cd, { subresource: 'status' });
          } catch (err) {
            if (!isConflict(err) && !isNotFound(err)) throw err;
          }
        }
      } catch (err) {
        if (!agentsStop) process.stderr.write(`agents: ${String(err)}\n`);
      }
      await sleep(150);
    }
  })();
}

// ---- the invariant watcher and the write counters ------------------------------------------------------------
const violations: string[] = [];
const seqOf = new Map<string, number>();
const revOfSeq = new Map<number, string>();
/** Spec writes (creations and generation changes) per cluster per revision. */
const specWrites = new Map<string, number>();
let fdWrites = 0;
let watchers: Informer<KubeObject>[] = [];
function watch(): void {
  const cdInf = new Informer<KubeObject>({ client, resource: RES.clusterDeliveries, name: 'test-cds', labelSelector: LABEL_DELIVERY_NAME });
  const gen = new Map<string, number>();
  const see = (obj: KubeObject): void => {
    const cd = obj as unknown as ClusterDelivery;
    const c = cd.metadata.labels?.[LABEL_CLUSTER] ?? '';
    const { sequence, revision } = cd.spec;
    const before = seqOf.get(c);
    if (before !== undefined && sequence < before) violations.push(`${c}: sequence ${before} -> ${sequence}`);
    seqOf.set(c, Math.max(before ?? 0, sequence));
    const r = revOfSeq.get(sequence);
    if (r !== undefined && r !== revision) violations.push(`sequence ${sequence} names ${r} and ${revision}`);
    revOfSeq.set(sequence, revision);
    if (!published.has(revision)) violations.push(`${c}: revision ${revision} was never published`);
    const g = cd.metadata.generation ?? 0;
    if (gen.get(c) !== g) {
      gen.set(c, g);
      specWrites.set(`${c}@${revision}`, (specWrites.get(`${c}@${revision}`) ?? 0) + 1);
    }
  };
  cdInf.addHandler({ onAdd: see, onUpdate: (_o, n) => see(n), onDelete: (o) => gen.delete((o as unknown as ClusterDelivery).metadata.labels?.[LABEL_CLUSTER] ?? '') });
  const fdInf = new Informer<KubeObject>({ client, resource: inNamespace(RES.fleetDeliveries, NS), name: 'test-fds' });
  fdInf.addHandler({ onUpdate: () => fdWrites++ });
  watchers = [cdInf.start(), fdInf.start()];
}

function delivery(): FleetDelivery {
  return {
    apiVersion: FLEET_API_VERSION,
    kind: 'FleetDelivery',
    metadata: { name: NAME, namespace: NS },
    spec: {
      sourceRef: { name: 'repo' },
      path: 'web',
      placement: { clusterSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['province', 'edge'] }] }, clusterNames: ['h1', 'ghost'] },
      overrides: [
        { clusterSelector: { matchLabels: { tier: 'edge' } }, replicas: 1 },
        { clusterNames: ['nowhere'], replicas: 5 },
      ],
      rollout: {
        onFailure: 'Pause',
        disconnectedDeadlineSeconds: 300,
        waves: [
          { name: 'canary', clusterNames: ['p1'], maxFailures: 0, soakSeconds: 0, needConfirm: false },
          { name: 'provinces', clusterSelector: { matchLabels: { tier: 'province' } }, maxConcurrent: 1, maxFailures: 0, soakSeconds: 3, needConfirm: true },
          { name: 'others', count: '100%', maxFailures: 0, soakSeconds: 0, needConfirm: false },
        ],
      },
      prune: true,
      drift: 'Correct',
      suspend: false,
      paused: false,
      confirmedWaves: [],
    },
  };
}

async function confirm(): Promise<string> {
  const r = JSON.parse(await ok('fleet', 'rollout', 'confirm', NAME, '-n', NS, '-o', 'json')) as { changed: boolean; by: { user: string }; wave: string };
  assert.ok(r.changed);
  assert.notEqual(r.by.user, SYSTEM_ACTOR);
  return r.by.user;
}

describe('FleetDelivery controller and rollout CLI', { timeout: 900_000 }, () => {
  before(async () => {
    cluster = await startCluster({ version: 'new', nodes: 1, zones: 1 });
    kubeconfig = cluster.kubeconfigPath;
    client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
    await installCrds(client);
    for (const ns of [NS, FLEET_NAMESPACE, ...Object.keys(CLUSTERS).map(memberNamespace)]) await ensureNamespace(client, ns);
    for (const [name, tier] of [...Object.entries(CLUSTERS), ['x9', 'edge'] as const]) {
      await client.create(RES.memberClusters, { apiVersion: FLEET_API_VERSION, kind: 'MemberCluster', metadata: { name, labels: { tier } }, spec: { accepted: name !== 'x9' } });
      await setMemberStatus(name, 'True');
    }
    await client.create(inNamespace(CORE.configMaps, FLEET_NAMESPACE), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: HUB_INFO_CONFIGMAP }, data: { artifactURL: 'https://hub.test:9443', 'ca.crt': '' } });
    await client.create(inNamespace(RES.gitSources, NS), { apiVersion: FLEET_API_VERSION, kind: 'GitSource', metadata: { name: 'repo', namespace: NS }, spec: { url: 'file:///tmp/repo.git', ref: { branch: 'main' }, interval: '1m', suspend: false } });
    watch();
    runAgents();
    startController();
  });

  after(async () => {
    process.stderr.write(`CLI runs (ms): ${cliMs.join(', ')}\n`);
    agentsStop = true;
    await agentsDone;
    await running?.stop();
    await Promise.all(watchers.map((w) => w.stop()));
    client?.close();
    await cluster?.stop();
  });

  test('placement by selector and names, overrides per cluster, unknown names and unmatched overrides as conditions', async () => {
    await publish('c1', { digest: digest(1) });
    await client.create(inNamespace(RES.fleetDeliveries, NS), delivery());
    const fd = await eventually('the canary ClusterDelivery', async () => { const f = await getFd(); return f.status?.waves?.[0]?.phase ? f : undefined; });
    assert.equal(fd.status?.clusters?.placed, 6, 'p1 p2 p3 e1 e2 by selector, h1 by name; x9 not accepted');
    const cond = (t: string): { status: string; message?: string } | undefined => fd.status?.conditions?.find((c) => c.type === t);
    assert.equal(cond('PlacementResolved')?.status, 'False');
    assert.match(cond('PlacementResolved')?.message ?? '', /ghost \(no such MemberCluster\)/);
    assert.equal(cond('OverridesMatched')?.status, 'False');
    assert.match(cond('OverridesMatched')?.message ?? '', /overrides\[1\]/);
    assert.ok(fd.metadata.finalizers?.includes(DELIVERY_FINALIZER));
    // The decision is recorded in the status first, then the ClusterDeliveries follow.
    await eventually('the canary moved', async () => (await revisions())['p1'] === 'c1');
    assert.deepEqual(await revisions(), { p1: 'c1' }, 'only the canary moves first');
  });

  test('three waves: canary, provinces confirmed through the CLI one at a time with a soak, then the rest; writes counted', async () => {
    await waitWave('provinces', 'WaitingForConfirm');
    assert.deepEqual(await revisions(), { p1: 'c1' }, 'nothing moves before the confirmation');
    const watching = plinth('fleet', 'rollout', 'status', NAME, '-n', NS, '-w');
    const user = await confirm();
    const seen: string[] = [];
    await eventually('p2 and p3 moved', async () => {
      const r = await revisions();
      const now = Object.keys(r).filter((c) => c === 'p2' || c === 'p3');
      if (now.length > seen.length) seen.push(...now.filter((c) => !seen.includes(c)));
      return now.length === 2;
    });
    assert.deepEqual(seen, ['p2', 'p3'], 'maxConcurrent 1: p2 first, p3 once p2 was healthy');
    const soaking = await waitWave('provinces', 'Soaking');
    assert.ok(soaking.status?.waves?.find((w) => w.name === 'provinces')?.healthySince);
    assert.equal((await cds())['e1'], undefined, 'the last wave waits for the soak');
    const done = await waitPhase('Succeeded');
    const w = await watching;
    assert.equal(w.code, 0, `the watch ends 0 on Succeeded: ${w.stderr}`);
    const lines = w.stdout.trim().split('\n');
    assert.ok(lines.length >= 2, `a line per change: ${w.stdout}`);
    assert.doesNotMatch(lines[0]!, / Succeeded \[/, 'it started before the end');
    assert.match(lines[lines.length - 1]!, /^web c1 seq 1 Succeeded \[canary:Succeeded provinces:Succeeded others:Succeeded\] 6\/6 healthy, 0 failed$/);
    assert.deepEqual(await revisions(), { p1: 'c1', p2: 'c1', p3: 'c1', e1: 'c1', e2: 'c1', h1: 'c1' });
    assert.deepEqual((await getCd('e1'))?.spec.overrides, [{ replicas: 1 }]);
    assert.equal((await getCd('p1'))?.spec.overrides, undefined);
    assert.equal((await getCd('e1'))?.spec.artifact.url, `https://hub.test:9443/artifacts/${digest(1)}`);
    const confirmEntry = done.status?.history?.find((h) => h.action === 'Confirm');
    assert.equal(confirmEntry?.by, user);
    assert.equal(confirmEntry?.wave, 'provinces');
    for (const c of Object.keys(CLUSTERS)) assert.equal(specWrites.get(`${c}@c1`), 1, `one ClusterDelivery write for ${c} at c1`);
    assert.ok(fdWrites <= 3 * 6, `FleetDelivery writes ${fdWrites} within 3 per cluster`);
    process.stderr.write(`revision c1 on 6 clusters: 6 ClusterDelivery writes, ${fdWrites} FleetDelivery writes (spec and status, the CLI's included); confirmed by ${user}\n`);
    const table = await ok('fleet', 'deliveries', '-A');
    assert.match(table, /apps\s+web\s+repo\/web\s+Succeeded\s+c1/);
    const status = await ok('fleet', 'status', NAME, '-n', NS);
    assert.match(status, /provinces\s+Succeeded/);
    assert.match(status, /PlacementResolved\s+False/);
  });

  test('the controller killed mid-rollout continues without regressing any sequence', async () => {
    await publish('c2', { digest: digest(2) });
    await waitWave('provinces', 'WaitingForConfirm');
    await confirm();
    await eventually('p2 on c2', async () => (await revisions())['p2'] === 'c2');
    await running?.stop();
    running = undefined;
    const frozen = await cds();
    await sleep(1500);
    assert.deepEqual(await cds(), frozen, 'nothing moves while the controller is down');
    startController();
    const fd = await waitPhase('Succeeded', 90_000);
    assert.equal(fd.status?.revision, 'c2');
    assert.equal(fd.status?.previousRevision, 'c1');
    assert.deepEqual(Object.values(await revisions()), Array(6).fill('c2'));
    for (const c of Object.keys(CLUSTERS)) assert.ok((specWrites.get(`${c}@c2`) ?? 0) <= 1, `at most one write for ${c} at c2`);
  });

  test('a render error changes nothing on the clusters and names file:line', async () => {
    const before = await cds();
    await publish('c3', { error: 'web/deploy.yaml:7: mapping values are not allowed here' });
    const fd = await eventually('SourceReady False', async () => { const f = await getFd(); return f.status?.conditions?.find((c) => c.type === 'SourceReady' && c.status === 'False') ? f : undefined; });
    assert.match(fd.status?.conditions?.find((c) => c.type === 'SourceReady')?.message ?? '', /web\/deploy\.yaml:7/);
    await sleep(1500);
    assert.deepEqual(await cds(), before);
    assert.equal((await getFd()).status?.revision, 'c2');
  });

  test('a failure past maxFailures pauses; a rollback through the CLI returns the moved cluster at a higher sequence', async () => {
    badRevision.set('p1', 'c4');
    await publish('c4', { digest: digest(4) });
    // The controller writes the status (phase Paused) first, then sets spec.paused: wait for both.
    const paused = await eventually('Paused, spec.paused set', async () => { const fd = await getFd(); return fd.status?.phase === 'Paused' && fd.spec.paused === true ? fd : undefined; });
    assert.equal(paused.spec.paused, true);
    assert.equal(paused.status?.conditions?.find((c) => c.type === 'Degraded')?.status, 'True');
    assert.equal(paused.status?.failing?.[0]?.cluster, 'p1');
    assert.ok(paused.status?.history?.some((h) => h.action === 'Paused' && h.by === SYSTEM_ACTOR));
    const before = await cds();
    assert.equal(before['p1']?.revision, 'c4');
    const r = JSON.parse(await ok('fleet', 'rollout', 'rollback', NAME, '-n', NS, '-o', 'json')) as { changed: boolean; by: { user: string } };
    assert.ok(r.changed);
    const fd = await waitPhase('RolledBack');
    assert.equal(fd.status?.revision, 'c2');
    assert.equal(fd.status?.rolledBackFrom, 'c4');
    const after = await cds();
    assert.equal(after['p1']?.revision, 'c2');
    assert.ok(after['p1'].sequence > before['p1'].sequence, 'a higher sequence');
    for (const c of ['p2', 'p3', 'e1', 'e2', 'h1']) assert.deepEqual(after[c], before[c], `${c} never moved, so it is not written`);
    assert.ok(fd.status?.history?.some((h) => h.action === 'Rollback' && h.by === r.by.user));
    await ok('fleet', 'rollout', 'resume', NAME, '-n', NS);
  });

  test('onFailure Rollback: the clusters that moved return to the previous revision at a higher sequence', async () => {
    const fd0 = await getFd();
    await client.patch(inNamespace(RES.fleetDeliveries, NS), NAME, { spec: { rollout: { ...fd0.spec.rollout, onFailure: 'Rollback' } } }, 'merge');
    await publish('c5', { digest: digest(5) });
    await waitWave('provinces', 'WaitingForConfirm');
    badRevision.set('p2', 'c5');
    await confirm();
    const fd = await waitPhase('RolledBack', 90_000);
    assert.equal(fd.status?.revision, 'c2');
    assert.equal(fd.status?.rolledBackFrom, 'c5');
    const now = await cds();
    assert.deepEqual(Object.values(now).map((v) => v.revision), Array(6).fill('c2'));
    assert.ok(now['p1']!.sequence === now['p2']!.sequence && now['p1']!.sequence > now['p3']!.sequence, 'p1 and p2 moved and came back with the new sequence; p3 never moved');
    assert.ok(specWrites.get('p3@c5') === undefined);
  });

  test('a cluster removed from placement loses its ClusterDelivery; deleting the delivery removes them all', async () => {
    await client.patch(RES.memberClusters, 'e2', { metadata: { labels: { tier: 'lab' } } }, 'merge');
    await eventually('e2 ClusterDelivery deleted', async () => (await getCd('e2')) === undefined);
    assert.equal((await getFd()).status?.clusters?.placed, 5);
    await setMemberStatus('e1', 'False');
    await eventually('e1 disconnected', async () => (await getFd()).status?.clusters?.disconnected === 1);
    await client.delete(inNamespace(RES.fleetDeliveries, NS), NAME);
    await eventually('every ClusterDelivery deleted', async () => Object.keys(await cds()).length === 0);
    await eventually('the delivery gone', async () => {
      try {
        await getFd();
        return false;
      } catch (err) {
        return isNotFound(err);
      }
    });
    assert.deepEqual(violations, []);
  });
});
