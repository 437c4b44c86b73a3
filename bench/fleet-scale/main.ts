// Fleet hub at scale, by simulation (issue #19, "Hub scale, by simulation"): one real hub (a NEW local cluster) running
// the real `plinth manager`, BENCH_MEMBERS simulated members — the agent's own code (`runAgent`) run as many
// instances in BENCH_PROCS Node processes, each with its own hub identity (a CSR approved through the API) and its
// own namespaces in one shared sink cluster — and one FleetDelivery placing all of them. One commit fanned out to
// all: time until every ClusterDelivery reports it applied (p50/p99), the hub's kube-apiserver, etcd and manager CPU
// and memory, hub writes per member, watches open on the hub. See docs/fleet/scale.md.
//   npm run bench -- fleet-scale     (BENCH_MEMBERS default 1000, BENCH_PROCS default 4, BENCH_START_RATE agents/s
//   per process default 25, BENCH_IDLE_S steady-state window default 30, BENCH_OUT a JSON file for the figures)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { installCrds } from '../../src/api/install.js';
import { FLEET_GROUP, FLEET_VERSION, type ClusterDelivery } from '../../src/api/index.js';
import { sleep } from '../../src/kube/clock.js';
import { KubeClient } from '../../src/kube/http.js';
import { Informer } from '../../src/kube/informer.js';
import { ref } from '../../src/kube/resource.js';
import { PUSH_REQUESTED_ANNOTATION } from '../../src/fleet/names.js';
import { startCluster, type LocalCluster } from '../../src/localenv/index.js';
import { startGitServer, type GitServer } from '../../test/support/git-server.js';
import { createMembers, issueIdentities, simName } from './identities.js';
import { delta, findPids, machineLoad, openWatches, parseMetrics, percentile, procSample, writesByResource } from './proc.js';

const N = Number(process.env.BENCH_MEMBERS ?? 1000);
const PROCS = Math.max(1, Math.min(N, Number(process.env.BENCH_PROCS ?? 4)));
const RATE = Number(process.env.BENCH_START_RATE ?? 25);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 30);
const GV = `${FLEET_GROUP}/${FLEET_VERSION}`;
const CDS = ref(GV, 'clusterdeliveries');
const log = (m: string): void => void process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);

/** The application: a Namespace and a ConfigMap (each simulated agent renames the namespace to its own). */
const app = (value: string): Record<string, string> => ({
  'apps/sim/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n',
  'apps/sim/config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n  namespace: app\ndata:\n  value: "${value}"\n`,
});

interface Watched { pid: number; name: string; cpu0?: number; peakRss: number }

/** Samples the hub's processes once a second: peak RSS, and CPU seconds at marks. */
class Sampler {
  readonly procs: Watched[] = [];
  private timer: NodeJS.Timeout | undefined;
  add(name: string, pid: number | undefined): void {
    if (pid) this.procs.push({ pid, name, peakRss: 0 });
  }
  start(): void {
    this.timer = setInterval(() => this.tick(), 1000);
  }
  tick(): void {
    for (const p of this.procs) p.peakRss = Math.max(p.peakRss, procSample(p.pid)?.rssBytes ?? 0);
  }
  /** CPU seconds and RSS now, per process; resets the peaks. */
  mark(): Record<string, { cpuSeconds: number; rssBytes: number; peakRssBytes: number }> {
    this.tick();
    const out: Record<string, { cpuSeconds: number; rssBytes: number; peakRssBytes: number }> = {};
    for (const p of this.procs) {
      const s = procSample(p.pid);
      out[p.name] = { cpuSeconds: s?.cpuSeconds ?? NaN, rssBytes: s?.rssBytes ?? NaN, peakRssBytes: p.peakRss };
      p.peakRss = s?.rssBytes ?? 0;
    }
    return out;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

async function hubMetrics(hub: KubeClient): Promise<{ writes: Map<string, number>; watches: Map<string, number> }> {
  const text = (await hub.requestRaw({ method: 'GET', path: '/metrics', target: 'metrics' })).toString('utf8');
  const s = parseMetrics(text, ['apiserver_request_total', 'apiserver_longrunning_requests', 'apiserver_registered_watchers']);
  return { writes: writesByResource(s), watches: openWatches(s) };
}

const sum = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
const obj = (m: Map<string, number>): Record<string, number> => Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1]));
const mb = (b: number): number => Math.round(b / 1e6);

function cpuDelta(a: ReturnType<Sampler['mark']>, b: ReturnType<Sampler['mark']>, seconds: number): Record<string, { cpuSeconds: number; cores: number; rssMB: number; peakRssMB: number }> {
  const out: Record<string, { cpuSeconds: number; cores: number; rssMB: number; peakRssMB: number }> = {};
  for (const k of Object.keys(b)) {
    const cpu = b[k]!.cpuSeconds - (a[k]?.cpuSeconds ?? 0);
    out[k] = { cpuSeconds: Math.round(cpu * 100) / 100, cores: Math.round((cpu / seconds) * 100) / 100, rssMB: mb(b[k]!.rssBytes), peakRssMB: mb(b[k]!.peakRssBytes) };
  }
  return out;
}

function stopChild(c: ChildProcess | undefined): Promise<void> {
  if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGTERM');
  return Promise.race([exited, sleep(15_000)]).then(() => {
    if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
}

async function main(): Promise<void> {
  const t00 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'plinth-fleet-scale-'));
  let hub: LocalCluster | undefined;
  let sink: LocalCluster | undefined;
  let git: GitServer | undefined;
  let manager: ChildProcess | undefined;
  const workers: ChildProcess[] = [];
  const workerStats = new Map<number, { rss: number; cpuMs: number; started: number; failed: number }>();
  const sampler = new Sampler();
  let hubClient: KubeClient | undefined;
  let informer: Informer | undefined;
  const result: Record<string, unknown> = { members: N, processes: PROCS, loadAtStart: machineLoad() };
  try {
    log(`starting the hub and the sink (load ${JSON.stringify(machineLoad())})`);
    [hub, sink, git] = await Promise.all([
      startCluster({ name: 'fleet-scale-hub', version: 'new', nodes: 1, zones: 1, nodeLeaseSeconds: 600 }),
      startCluster({ name: 'fleet-scale-sink', version: 'new', nodes: 1, zones: 1, nodeLeaseSeconds: 600 }),
      startGitServer(),
    ]);
    hubClient = await KubeClient.fromKubeConfig(hub.kubeConfig, { maxSockets: 32 });
    await installCrds(hubClient);
    git.createRepo('fleet');
    const c1 = git.commit('fleet', app('v1'), { message: 'v1' });
    const managerLog: string[] = [];
    manager = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/app/cli/main.ts', 'manager', '--kubeconfig', hub.kubeconfigPath, '--no-leader-elect', '--metrics-port', '0', '--fleet-listen', '127.0.0.1:0', '--data-dir', join(dir, 'data')],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PLINTH_LOG_LEVEL: 'warn' } },
    );
    manager.stderr!.setEncoding('utf8').on('data', (d: string) => {
      managerLog.push(d);
      if (managerLog.length > 200) managerLog.shift();
    });
    sampler.add('kube-apiserver', findPids('kube-apiserver', join(hub.stateDir, 'apiserver'))[0]);
    sampler.add('etcd', findPids('etcd', `--data-dir=${join(hub.stateDir, 'etcd')}`)[0] ?? findPids('etcd', join(hub.stateDir, 'etcd'))[0]);
    sampler.add('kube-controller-manager', findPids('kube-controller-manager', join(hub.stateDir, 'controller-manager'))[0]);
    sampler.add('plinth-manager', manager.pid);
    sampler.start();
    log(`watching ${sampler.procs.map((p) => `${p.name}=${p.pid}`).join(' ')}`);

    const names = Array.from({ length: N }, (_, i) => simName(i));
    let t = Date.now();
    await createMembers(hubClient, names);
    const paths = await issueIdentities(hubClient, hub.kubeConfig, names, dir);
    result['setupIdentitiesMs'] = Date.now() - t;
    log(`${N} MemberClusters and hub identities in ${Date.now() - t} ms`);
    // The manager's MemberCluster controller gives each accepted member its namespace and RBAC.
    t = Date.now();
    for (;;) {
      const rbs = await hubClient.list(ref('rbac.authorization.k8s.io/v1', 'rolebindings'), { fieldSelector: 'metadata.name=plinth-agent' });
      if (rbs.items.length >= N) break;
      if (Date.now() - t > 15 * 60_000) throw new Error(`only ${rbs.items.length}/${N} members got their RBAC in 15 minutes:\n${managerLog.join('').slice(-3000)}`);
      await sleep(1000);
    }
    result['memberAccessMs'] = Date.now() - t;
    log(`every member's namespace and RBAC made by the manager in ${Date.now() - t} ms`);

    // The hub: one GitSource (polling off in effect: 1h) and one FleetDelivery placing every member.
    await hubClient.create(ref('v1', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fleet' } }).catch(() => undefined);
    await hubClient.create(ref(GV, 'gitsources', 'fleet'), { apiVersion: GV, kind: 'GitSource', metadata: { name: 'apps', namespace: 'fleet' }, spec: { url: git.url('fleet'), ref: { branch: 'main' }, interval: '1h', suspend: false } });

    // Every ClusterDelivery, as the bench sees it (one cluster-wide watch of its own).
    informer = new Informer({ client: hubClient, resource: CDS, name: 'bench-clusterdeliveries' });
    const applied = new Map<string, { revision?: string; at: number }>();
    const placed = new Map<string, { revision?: string; at: number }>();
    const seen = (o: ClusterDelivery): void => {
      const k = `${o.metadata.namespace}/${o.metadata.name}`;
      if (placed.get(k)?.revision !== o.spec.revision) placed.set(k, { revision: o.spec.revision, at: Date.now() });
      const r = o.status?.appliedRevision;
      if (r && applied.get(k)?.revision !== r) applied.set(k, { revision: r, at: Date.now() });
    };
    informer.addHandler({ onAdd: (o) => seen(o as unknown as ClusterDelivery), onUpdate: (_o, n) => seen(n as unknown as ClusterDelivery) });
    informer.start();

    // The simulated members: PROCS processes, N/PROCS agents each.
    const sinkPath = sink.kubeconfigPath;
    for (let p = 0; p < PROCS; p++) {
      const mine = names.filter((_, i) => i % PROCS === p).map((name) => ({ name, hubKubeconfig: paths.get(name)! }));
      const file = join(dir, `workers-${p}.json`);
      writeFileSync(file, JSON.stringify(mine));
      const w = spawn(process.execPath, ['--import', 'tsx', 'bench/fleet-scale/worker.ts', sinkPath, file, String(RATE)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PLINTH_LOG_LEVEL: 'error' } });
      createInterface({ input: w.stdout }).on('line', (l) => {
        try {
          workerStats.set(p, JSON.parse(l) as { rss: number; cpuMs: number; started: number; failed: number });
        } catch {
          // not ours
        }
      });
      let errs = 0;
      w.stderr.setEncoding('utf8').on('data', (d: string) => {
        if (errs++ < 20) process.stderr.write(`[worker ${p}] ${d}`);
      });
      workers.push(w);
    }
    t = Date.now();
    await hubClient.create(ref(GV, 'fleetdeliveries', 'fleet'), {
      apiVersion: GV,
      kind: 'FleetDelivery',
      metadata: { name: 'sim', namespace: 'fleet' },
      spec: {
        sourceRef: { name: 'apps' },
        path: 'apps/sim',
        placement: { clusterSelector: {} },
        // The simulated agents share a few processes on a loaded machine: some renew their Lease late. With the
        // defaults (maxFailures 0, 300 s deadline) the 1,000-member run paused its rollout on 92 "disconnected"
        // members before writing any ClusterDelivery; the bench measures the fan-out, so it tolerates them.
        rollout: { waves: [{ name: 'all', maxFailures: N, soakSeconds: 0, needConfirm: false }], onFailure: 'Pause', disconnectedDeadlineSeconds: 3600 },
        prune: true,
        drift: 'Correct',
        suspend: false,
        paused: false,
        confirmedWaves: [],
      },
    });
    const allAt = async (rev: string, what: string, timeoutMs: number): Promise<void> => {
      const start = Date.now();
      let last = 0;
      for (;;) {
        const n = [...applied.values()].filter((a) => a.revision === rev).length;
        if (n >= N) return;
        if (Date.now() - last > 10_000) {
          last = Date.now();
          const ws = [...workerStats.values()];
          log(`${what}: ${n}/${N} applied, ${[...placed.values()].filter((a) => a.revision === rev).length} placed; agents started ${ws.reduce((a, w) => a + w.started, 0)} (failed ${ws.reduce((a, w) => a + w.failed, 0)}); load ${machineLoad().load1}`);
        }
        if (Date.now() - start > timeoutMs) throw new Error(`${what}: only ${n}/${N} applied ${rev} after ${timeoutMs} ms`);
        await sleep(200);
      }
    };
    await allAt(c1, 'first revision', 30 * 60_000);
    result['firstRolloutMs'] = Date.now() - t;
    log(`agents started and the first revision applied on all ${N} in ${Date.now() - t} ms`);

    // Steady state: what N connected members cost the hub with nothing to deliver.
    await sleep(15_000);
    let m0 = await hubMetrics(hubClient);
    let s0 = sampler.mark();
    let t0 = Date.now();
    await sleep(IDLE_S * 1000);
    let m1 = await hubMetrics(hubClient);
    let s1 = sampler.mark();
    let secs = (Date.now() - t0) / 1000;
    const idleWrites = delta(m0.writes, m1.writes);
    result['idle'] = { seconds: secs, writesPerSecond: Math.round((sum(idleWrites) / secs) * 10) / 10, writesByResource: obj(idleWrites), processes: cpuDelta(s0, s1, secs), watchesOpen: obj(m1.watches), load: machineLoad() };
    log(`idle: ${JSON.stringify(result['idle'])}`);

    // One commit fanned out to all N.
    const c2 = git.commit('fleet', { 'apps/sim/config.yaml': app('v2')['apps/sim/config.yaml']! }, { message: 'v2' });
    m0 = await hubMetrics(hubClient);
    s0 = sampler.mark();
    t0 = Date.now();
    await hubClient.patch(ref(GV, 'gitsources', 'fleet'), 'apps', { metadata: { annotations: { [PUSH_REQUESTED_ANNOTATION]: new Date().toISOString() } } }, 'merge');
    await allAt(c2, 'fan-out', 30 * 60_000);
    const doneMs = Date.now() - t0;
    m1 = await hubMetrics(hubClient);
    s1 = sampler.mark();
    secs = (Date.now() - t0) / 1000;
    const lat = [...applied.values()].filter((a) => a.revision === c2).map((a) => a.at - t0);
    const placedLat = [...placed.values()].filter((a) => a.revision === c2).map((a) => a.at - t0);
    const writes = delta(m0.writes, m1.writes);
    const ws = [...workerStats.values()];
    result['fanout'] = {
      allAppliedMs: doneMs,
      appliedP50Ms: percentile(lat, 50),
      appliedP99Ms: percentile(lat, 99),
      appliedMaxMs: Math.max(...lat),
      placedP50Ms: percentile(placedLat, 50),
      placedP99Ms: percentile(placedLat, 99),
      placedMaxMs: Math.max(...placedLat),
      hubWrites: sum(writes),
      hubWritesPerMember: Math.round((sum(writes) / N) * 100) / 100,
      writesByResource: obj(writes),
      processes: cpuDelta(s0, s1, secs),
      watchesOpen: obj(m1.watches),
      watchesOpenTotal: sum(m1.watches),
      appliedMsEach: lat,
      placedMsEach: placedLat,
      agentProcesses: { count: ws.length, rssMB: ws.map((w) => mb(w.rss)), cpuSecondsTotal: ws.map((w) => Math.round(w.cpuMs / 1000)) },
      load: machineLoad(),
    };
    result['totalMs'] = Date.now() - t00;
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    sampler.stop();
    await informer?.stop();
    await Promise.all(workers.map((w) => stopChild(w)));
    await stopChild(manager);
    hubClient?.close();
    await Promise.all([hub?.stop(), sink?.stop(), git?.stop()]);
    rmSync(dir, { recursive: true, force: true });
    log('stopped');
  }
}

await main();
