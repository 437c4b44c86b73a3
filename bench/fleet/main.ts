// `npm run bench -- fleet`: Plinth Fleet next to Flux on the same members and the same commits.
// One hub (local API server, no nodes) running the real `plinth manager` and Flux's source-controller and
// kustomize-controller; N light members (one shared etcd) each joined with the real CLI and running a real
// `plinth agent`; one repository on a loopback Git server (git:// for Plinth, smart HTTP for Flux) with the Flux
// peer's workload (a ConfigMap and a 2-replica Deployment). Per commit: push once, then Plinth's window (signed
// webhook POST to the hub's fleet server, until every member has the new ConfigMap value and the Deployment rolled
// out, and Plinth's own status says so), then Flux's window (the Receiver's annotation, until every member has
// Flux's copy at the commit and every Kustomization is Ready). The windows do not overlap, so the hub's
// `apiserver_request_total` before/after each window counts one system's writes, and neither system slows the
// other. Each system's clock starts at its own trigger (the push is already done).
//   BENCH_FLEET_MEMBERS (3)  BENCH_FLEET_COMMITS (5)  BENCH_FLEET_JSON=<file>  BENCH_FLEET_FLUX=0 (Plinth only)
//   BENCH_FLEET_STOP_AT=<ISO time>  BENCH_FLEET_CLI=tsx (run the sources instead of dist/)
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { KubeClient } from '../../src/kube/http.js';
import { sleep } from '../../src/kube/clock.js';
import { forEachLimit } from '../../src/kube/pool.js';
import { startCluster, startSharedEtcd, type LocalCluster, type SharedEtcd } from '../../src/localenv/index.js';
import { startGitServer, type GitServer } from './flux/git-server.js';
import { awaitFluxCommit } from './flux/measure.js';
import { startFluxPeer, type FluxPeer } from './flux/run.js';
import { MemberWatch } from './flux/watch.js';
import { WORKLOAD_PATH, workloadFiles } from './flux/workload.js';
import { scrapeWrites, writesBetween, type Writes } from './flux/writes.js';
import { startPlinthFleet, type PlinthFleet } from './plinth.js';
import { reportTable, type Figures, type PlinthSample, type FluxSample } from './report.js';

const MEMBERS = Number(process.env['BENCH_FLEET_MEMBERS'] ?? 3);
const COMMITS = Number(process.env['BENCH_FLEET_COMMITS'] ?? 5);
const WITH_FLUX = process.env['BENCH_FLEET_FLUX'] !== '0';
/** Start no commit after this time (ISO, e.g. 2026-12-07T22:20:00Z): a shared machine's run ends on time with the commits it measured. */
const STOP_AT = process.env['BENCH_FLEET_STOP_AT'] ? Date.parse(process.env['BENCH_FLEET_STOP_AT']) : Infinity;
const FLUX_NAMESPACE = 'flux-fleet-bench';
const REPO = 'fleet';
const TIMEOUT = 300_000;
/** After each window, so trailing status writes land in it. */
const SETTLE_MS = 1500;

const log = (m: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${m}\n`);

function record(w: Writes): Record<string, number> {
  return Object.fromEntries([...w.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

async function main(): Promise<void> {
  const load0 = loadavg();
  let etcd: SharedEtcd | undefined;
  let hub: LocalCluster | undefined;
  const members: { name: string; cluster: LocalCluster }[] = [];
  let git: GitServer | undefined;
  let plinth: PlinthFleet | undefined;
  let flux: FluxPeer | undefined;
  let hubClient: KubeClient | undefined;
  const clients: KubeClient[] = [];
  const plinthWatches: MemberWatch[] = [];
  const fluxWatches: MemberWatch[] = [];
  const t0 = Date.now();
  try {
    log(`load average ${load0.map((l) => l.toFixed(2)).join(' ')}; starting the hub, the shared etcd and ${MEMBERS} light members`);
    const pid = process.pid;
    [hub, etcd] = await Promise.all([startCluster({ name: `fbench-hub-${pid}`, nodes: 0 }), startSharedEtcd({ name: `fbench-etcd-${pid}` })]);
    const e = etcd;
    await forEachLimit(Array.from({ length: MEMBERS }, (_, i) => `m${i + 1}`), 4, async (name) => {
      members.push({ name, cluster: await startCluster({ name: `fbench-${name}-${pid}`, member: true, sharedEtcd: e }) });
    });
    members.sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
    const startedMs = Date.now() - t0;
    log(`clusters up in ${(startedMs / 1000).toFixed(0)} s`);
    hubClient = await KubeClient.fromKubeConfig(hub.kubeConfig, { userAgent: 'plinth-bench/fleet' });
    git = await startGitServer();
    const initial = await git.createRepo(REPO, workloadFiles(0));
    plinth = await startPlinthFleet({ hub, hubClient, members, url: git.daemonUrl(REPO), path: WORKLOAD_PATH, onProgress: log });
    if (WITH_FLUX) {
      flux = await startFluxPeer({ hub, members, url: git.httpUrl(REPO), path: WORKLOAD_PATH, interval: '10m', targetNamespace: FLUX_NAMESPACE, onProgress: log });
    }
    for (const m of members) {
      const client = await KubeClient.fromKubeConfig(m.cluster.kubeConfig, { userAgent: 'plinth-bench/fleet-watch' });
      clients.push(client);
      const pw = new MemberWatch(m.name, client);
      await pw.start();
      plinthWatches.push(pw);
      if (WITH_FLUX) {
        const fw = new MemberWatch(m.name, client, FLUX_NAMESPACE);
        await fw.start();
        fluxWatches.push(fw);
      }
    }
    log('waiting for revision 0 on every member (both systems)');
    await Promise.all([...plinthWatches, ...fluxWatches].map((w) => w.at(0, TIMEOUT)));
    await plinth.hubWatch.healthy(initial, MEMBERS, TIMEOUT);
    if (flux) await flux.hubWatch.kustomizationsAt(initial, MEMBERS, TIMEOUT);
    await sleep(SETTLE_MS);

    const measureStart = Date.now();
    const plinthSamples: PlinthSample[] = [];
    const fluxSamples: FluxSample[] = [];
    const pWrites = new Map<string, number>();
    const fWrites = new Map<string, number>();
    const background = new Map<string, number>();
    // A window's writes belong to its system, except what only the other writes (its trailing status writes) and
    // the members' heartbeats (MemberCluster status, on a timer: not per revision), counted apart.
    const attribute = (w: Writes, owner: 'plinth' | 'flux'): void => {
      for (const [k, v] of w) {
        const into = k.includes('fleet.plinth.dev/memberclusters') ? background : k.includes('fleet.plinth.dev/') ? pWrites : k.includes('fluxcd.io/') ? fWrites : owner === 'plinth' ? pWrites : fWrites;
        into.set(k, (into.get(k) ?? 0) + v);
      }
    };
    let pCpu = { manager: 0, agents: 0 };
    const fCpu: Record<string, number> = {};
    const loadDuring: number[] = [];
    for (let revision = 1; revision <= COMMITS; revision++) {
      if (Date.now() > STOP_AT) {
        log(`BENCH_FLEET_STOP_AT passed: stopping after ${revision - 1} commits`);
        break;
      }
      const commit = await git.commit(REPO, workloadFiles(revision), `revision ${revision}`);
      // Plinth's window.
      let before = await scrapeWrites(hubClient);
      const c0 = plinth.cpuSeconds();
      const start = Date.now();
      const fetched = plinth.hubWatch.fetched(commit, TIMEOUT);
      const fanned = plinth.hubWatch.fannedOut(commit, MEMBERS, TIMEOUT);
      const applied = plinth.hubWatch.applied(commit, MEMBERS, TIMEOUT);
      const cdsHealthy = plinth.hubWatch.clustersHealthy(commit, MEMBERS, TIMEOUT);
      const healthy = plinth.hubWatch.healthy(commit, MEMBERS, TIMEOUT);
      const onMembers = Promise.all(plinthWatches.map((w) => w.at(revision, TIMEOUT)));
      const status = await plinth.webhook(commit);
      if (status !== 202) throw new Error(`the webhook answered ${status}`);
      const [fetchedAt, fannedAt, appliedAt, cdsHealthyAt, healthyAt, memberAts] = await Promise.all([fetched, fanned, applied, cdsHealthy, healthy, onMembers]);
      await sleep(SETTLE_MS);
      let after = await scrapeWrites(hubClient);
      const c1 = plinth.cpuSeconds();
      pCpu = { manager: pCpu.manager + c1.manager - c0.manager, agents: pCpu.agents + c1.agents - c0.agents };
      const pw = writesBetween(before, after);
      attribute(pw, 'plinth');
      const ps: PlinthSample = {
        revision,
        commit,
        fetchedMs: fetchedAt - start,
        fannedOutMs: fannedAt - start,
        appliedMs: appliedAt - start,
        memberMs: Object.fromEntries(plinthWatches.map((w, j) => [w.name, memberAts[j]! - start])),
        allMs: Math.max(...memberAts) - start,
        clustersHealthyMs: cdsHealthyAt - start,
        ownReadyMs: healthyAt - start,
        hubWrites: record(pw),
      };
      plinthSamples.push(ps);
      log(`plinth r${revision}: all ${ps.allMs} ms (fetched ${ps.fetchedMs}, fanned out ${ps.fannedOutMs}, agents applied ${ps.appliedMs}, agents report healthy ${ps.clustersHealthyMs}, own Ready ${ps.ownReadyMs}); ${[...pw.values()].reduce((a, b) => a + b, 0)} hub writes`);
      // Flux's window.
      if (flux) {
        before = after;
        const f0 = flux.cpuSeconds();
        const fstart = Date.now();
        const t = await awaitFluxCommit({ peer: flux, members: fluxWatches, revision, commit, pushedAt: fstart, trigger: 'webhook', timeoutMs: TIMEOUT });
        await sleep(SETTLE_MS);
        after = await scrapeWrites(hubClient);
        const f1 = flux.cpuSeconds();
        for (const k of Object.keys(f1)) fCpu[k] = (fCpu[k] ?? 0) + (f1[k] ?? 0) - (f0[k] ?? 0);
        const fw = writesBetween(before, after);
        attribute(fw, 'flux');
        fluxSamples.push({ revision, commit, ...t, hubWrites: record(fw) });
        log(`flux   r${revision}: all ${t.allMs} ms (artifact ${t.artifactMs}, Ready ${t.fluxReadyMs}); ${[...fw.values()].reduce((a, b) => a + b, 0)} hub writes`);
      }
      loadDuring.push(loadavg()[0]!);
    }
    const figures: Figures = {
      members: MEMBERS,
      commits: plinthSamples.length,
      cli: plinth.cli,
      clustersUpSeconds: startedMs / 1000,
      loadBefore: load0,
      loadDuring,
      loadAfter: loadavg(),
      backgroundWrites: record(background),
      windowSeconds: (Date.now() - measureStart) / 1000,
      plinth: { samples: plinthSamples, writes: record(pWrites), cpuSeconds: pCpu, memory: plinth.memory() },
      flux: flux ? { samples: fluxSamples, writes: record(fWrites), cpuSeconds: fCpu, memory: flux.memory() } : undefined,
    };
    process.stdout.write(reportTable(figures));
    const out = process.env['BENCH_FLEET_JSON'];
    if (out) writeFileSync(out, JSON.stringify(figures, null, 2));
  } catch (err) {
    if (plinth) process.stderr.write(`--- plinth logs\n${plinth.logTail()}\n`);
    throw err;
  } finally {
    for (const w of [...plinthWatches, ...fluxWatches]) await w.stop().catch(() => undefined);
    for (const c of clients) c.close();
    await plinth?.stop();
    await flux?.stop();
    hubClient?.close();
    await git?.stop();
    await forEachLimit(members, 8, (m) => m.cluster.stop());
    await hub?.stop();
    await etcd?.stop();
  }
}

await main();
