// The Flux peer alone, end to end: `npx tsx bench/fleet/flux/main.ts` starts a hub (no nodes: only the API) and
// N light members (1 node, 1 zone, version new), a loopback Git server with the workload at revision 0, the
// Flux controllers on the hub, waits until revision 0 runs on every member, then measures K commits and prints
// the figures (and, with BENCH_FLUX_JSON=<file>, writes them as JSON). The fleet bench (`npm run bench --
// fleet`) runs the same pieces next to Plinth on the same members and commits.
//   BENCH_FLUX_MEMBERS (3)  BENCH_FLUX_COMMITS (5)  BENCH_FLUX_TRIGGER (webhook|poll)  BENCH_FLUX_INTERVAL (1m)
//   BENCH_FLUX_CONCURRENT (kustomize-controller --concurrent; default max(4, members))
//   BENCH_FLUX_NAMESPACE (where Flux puts the workload on the members, default flux-fleet-bench: Plinth, run on
//   the same members and commits, keeps the directory's own namespace)
import { writeFileSync } from 'node:fs';
import { KubeClient } from '../../../src/kube/http.js';
import { forEachLimit } from '../../../src/kube/pool.js';
import { startCluster, type LocalCluster } from '../../../src/localenv/index.js';
import { startGitServer, type GitServer } from './git-server.js';
import { measureCommits, type FluxMeasurement } from './measure.js';
import { startFluxPeer, type FluxPeer } from './run.js';
import { MemberWatch } from './watch.js';
import { WORKLOAD_PATH, workloadFiles } from './workload.js';

const MEMBERS = Number(process.env['BENCH_FLUX_MEMBERS'] ?? 3);
const COMMITS = Number(process.env['BENCH_FLUX_COMMITS'] ?? 5);
const TRIGGER = (process.env['BENCH_FLUX_TRIGGER'] ?? 'webhook') === 'poll' ? 'poll' : 'webhook';
const INTERVAL = process.env['BENCH_FLUX_INTERVAL'] ?? '1m';
const CONCURRENT = process.env['BENCH_FLUX_CONCURRENT'] ? Number(process.env['BENCH_FLUX_CONCURRENT']) : undefined;
const TARGET_NAMESPACE = process.env['BENCH_FLUX_NAMESPACE'] ?? 'flux-fleet-bench';
const REPO = 'fleet';

/** Milliseconds of a simple Go duration (`30s`, `1m`, `1m30s`, `1h`). */
function durationMs(d: string): number {
  let ms = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)) ms += Number(m[1]) * { h: 3_600_000, m: 60_000, s: 1_000 }[m[2] as 'h' | 'm' | 's'];
  return ms;
}

const log = (m: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${m}\n`);
const mib = (b: number | undefined): string => (b === undefined || Number.isNaN(b) ? 'n/a' : `${(b / 1024 / 1024).toFixed(1)} MiB`);

function report(m: FluxMeasurement, peer: FluxPeer): string {
  const lines = [
    `== Flux peer: ${m.members} members, ${m.samples.length} commits, trigger ${m.trigger} ==`,
    `build: ${peer.install.build.controllers.map((c) => `${c.name} ${c.version} ${c.buildSeconds}s ${mib(c.bytes)}`).join('; ')} (${peer.install.build.go})`,
    `delivery (push -> all members applied and healthy): p50 ${m.delivery.p50} ms, p99 ${m.delivery.p99} ms, max ${m.delivery.max} ms`,
    `per member:                                        p50 ${m.perMember.p50} ms, p99 ${m.perMember.p99} ms`,
    `Flux Ready (every Kustomization Ready at the commit): p50 ${m.fluxReady.p50} ms, p99 ${m.fluxReady.p99} ms`,
    `hub API writes: ${m.hubWritesPerClusterPerRevision.toFixed(2)} per cluster per revision; by request: ${JSON.stringify(m.hubWrites)}`,
    `controllers over ${m.wallSeconds.toFixed(0)} s: ` +
      Object.entries(m.memory)
        .map(([n, mem]) => `${n} RSS ${mib(mem?.rssBytes)} (peak ${mib(mem?.peakBytes)}), CPU ${(m.cpuSeconds[n] ?? NaN).toFixed(1)} s`)
        .join('; '),
    'commits:',
    ...m.samples.map((s) => `  r${s.revision} ${s.commit.slice(0, 8)}: all ${s.allMs} ms, artifact ${s.artifactMs} ms, Flux Ready ${s.fluxReadyMs} ms, ${s.hubWritesTotal} writes, members ${JSON.stringify(s.memberMs)}`),
  ];
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  let hub: LocalCluster | undefined;
  const members: { name: string; cluster: LocalCluster }[] = [];
  let git: GitServer | undefined;
  let peer: FluxPeer | undefined;
  const watches: MemberWatch[] = [];
  const clients: KubeClient[] = [];
  try {
    log(`starting the hub and ${MEMBERS} members`);
    hub = await startCluster({ name: `flux-hub-${process.pid}`, nodes: 0 });
    const names = Array.from({ length: MEMBERS }, (_, i) => `m${i + 1}`);
    await forEachLimit(names, 2, async (name) => {
      const cluster = await startCluster({ name: `flux-${name}-${process.pid}`, nodes: 1, zones: 1, version: 'new' });
      members.push({ name, cluster });
    });
    members.sort((a, b) => a.name.localeCompare(b.name));
    git = await startGitServer();
    const initial = await git.createRepo(REPO, workloadFiles(0));
    peer = await startFluxPeer({
      hub,
      members,
      url: git.httpUrl(REPO),
      path: WORKLOAD_PATH,
      interval: INTERVAL,
      kustomizeConcurrent: CONCURRENT,
      targetNamespace: TARGET_NAMESPACE,
      onProgress: log,
    });
    for (const m of members) {
      const client = await KubeClient.fromKubeConfig(m.cluster.kubeConfig, { userAgent: 'plinth-bench/flux-watch' });
      clients.push(client);
      const w = new MemberWatch(m.name, client, TARGET_NAMESPACE);
      await w.start();
      watches.push(w);
    }
    log('waiting for revision 0 on every member');
    await Promise.all(watches.map((w) => w.at(0, 300_000)));
    // Flux's own health check of revision 0 too: a Kustomization still waiting on it would hold revision 1.
    await peer.hubWatch.kustomizationsAt(initial, members.length, 300_000);
    const m = await measureCommits({
      peer,
      git,
      repo: REPO,
      members: watches,
      commits: COMMITS,
      firstRevision: 1,
      trigger: TRIGGER,
      pushDelayMs: TRIGGER === 'poll' ? (): number => Math.floor(Math.random() * durationMs(INTERVAL)) : undefined,
      onProgress: log,
    });
    process.stdout.write(report(m, peer));
    const out = process.env['BENCH_FLUX_JSON'];
    if (out) writeFileSync(out, JSON.stringify({ build: peer.install.build, ...m }, null, 2));
  } finally {
    for (const w of watches) await w.stop();
    for (const c of clients) c.close();
    await peer?.stop();
    await git?.stop();
    for (const m of members) await m.cluster.stop();
    await hub?.stop();
  }
}

await main();
