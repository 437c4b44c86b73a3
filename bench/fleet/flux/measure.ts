// The measurement: K commits, one after another. Each changes the ConfigMap value and the Deployment image
// (workload.ts), is pushed to the bench's Git server and triggered the Receiver's way (or left to the poll);
// the clock starts when the push has completed (the moment a forge sends its webhook) and stops, per member,
// when that member's informers first see the new ConfigMap value and the Deployment rolled out to the new
// image. A commit's delivery time is its slowest member. Then the bench waits for Flux's own view (every
// Kustomization Ready at the commit) before the next commit, so one commit's tail never overlaps the next.
// Hub API writes are counted per commit between those settled points (writes.ts); the controllers' CPU and
// memory are read from /proc.
import { sleep } from '../../../src/kube/clock.js';
import type { ProcessMemory } from './controllers.js';
import type { GitServer } from './git-server.js';
import type { FluxPeer } from './run.js';
import { summarize, type LatencySummary } from '../../lib/stats.js';
import type { MemberWatch } from './watch.js';
import { workloadFiles } from './workload.js';
import { scrapeWrites, totalOf, writesBetween, type Writes } from './writes.js';

export interface MeasureOptions {
  peer: FluxPeer;
  git: GitServer;
  repo: string;
  members: MemberWatch[];
  /** K: how many commits. */
  commits: number;
  /** The revision of the first measured commit (the repository is at firstRevision - 1 and delivered). */
  firstRevision: number;
  /** `webhook`: trigger() right after the push; `poll`: wait for the GitRepository's interval. */
  trigger: 'webhook' | 'poll';
  /**
   * A pause before each push (ms). With `poll` the push should land at a random phase of the poll interval
   * (pass a random value in [0, interval)): pushing right after the previous commit settled would always land
   * at the same phase and measure one point of the interval, not its spread.
   */
  pushDelayMs?: () => number;
  /** Per commit (default 10 min; a poll at 1m needs up to a minute plus jitter). */
  timeoutMs?: number;
  onProgress?: (msg: string) => void;
}

export interface CommitSample {
  revision: number;
  commit: string;
  /** Time the push took (not part of the delivery time). */
  pushMs: number;
  /** Push done -> the GitRepository reports an artifact of the commit. */
  artifactMs: number;
  /** Push done -> that member applied and healthy. */
  memberMs: Record<string, number>;
  /** Push done -> every member applied and healthy: the delivery time. */
  allMs: number;
  /** Push done -> every Kustomization Ready at the commit (Flux's own view, after its health check). */
  fluxReadyMs: number;
  /** Hub API writes in this commit's window (trigger included), by `VERB group/resource[/sub]`. */
  hubWrites: Record<string, number>;
  hubWritesTotal: number;
}

export interface FluxMeasurement {
  trigger: 'webhook' | 'poll';
  members: number;
  samples: CommitSample[];
  /** Over the commits' delivery times (slowest member). */
  delivery: LatencySummary;
  /** Over every (commit, member) time. */
  perMember: LatencySummary;
  /** Over Flux's own Ready times. */
  fluxReady: LatencySummary;
  /** Hub writes per delivery per cluster per revision (total / members / commits). */
  hubWritesPerClusterPerRevision: number;
  hubWrites: Record<string, number>;
  /** CPU seconds each controller used over the window, and the window's wall seconds. */
  cpuSeconds: Record<string, number>;
  wallSeconds: number;
  memory: Record<string, ProcessMemory | undefined>;
}

function record(w: Writes): Record<string, number> {
  return Object.fromEntries([...w.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export interface CommitTimes {
  artifactMs: number;
  memberMs: Record<string, number>;
  allMs: number;
  fluxReadyMs: number;
}

/**
 * One commit already pushed at `pushedAt`: sends the Receiver's trigger (with `webhook`) and resolves when
 * every member runs `revision` and Flux reports every Kustomization Ready at `commit`, with the times from the
 * push. For a side-by-side run where the caller pushes once and waits for Plinth and Flux together.
 */
export async function awaitFluxCommit(o: {
  peer: FluxPeer;
  members: MemberWatch[];
  revision: number;
  commit: string;
  pushedAt: number;
  trigger: 'webhook' | 'poll';
  timeoutMs: number;
}): Promise<CommitTimes> {
  const artifact = o.peer.hubWatch.artifactAt(o.commit, o.timeoutMs);
  const members = Promise.all(o.members.map((m) => m.at(o.revision, o.timeoutMs)));
  const flux = o.peer.hubWatch.kustomizationsAt(o.commit, o.members.length, o.timeoutMs);
  const triggered = o.trigger === 'webhook' ? o.peer.trigger() : Promise.resolve();
  const [artifactAt, memberAts, fluxAt] = await Promise.all([artifact, members, flux, triggered]);
  return {
    artifactMs: artifactAt - o.pushedAt,
    memberMs: Object.fromEntries(o.members.map((m, j) => [m.name, memberAts[j]! - o.pushedAt])),
    allMs: Math.max(...memberAts) - o.pushedAt,
    fluxReadyMs: fluxAt - o.pushedAt,
  };
}

export async function measureCommits(opts: MeasureOptions): Promise<FluxMeasurement> {
  const progress = opts.onProgress ?? ((): void => undefined);
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const { peer } = opts;
  const samples: CommitSample[] = [];
  const cpu0 = peer.cpuSeconds();
  const t0 = Date.now();
  const firstScrape = await scrapeWrites(peer.hubClient);
  let before = firstScrape;
  let lastAfter = firstScrape;
  for (let i = 0; i < opts.commits; i++) {
    const revision = opts.firstRevision + i;
    const delay = opts.pushDelayMs?.() ?? 0;
    if (delay > 0) await sleep(delay);
    const pushStart = Date.now();
    const commit = await opts.git.commit(opts.repo, workloadFiles(revision), `revision ${revision}`);
    const pushed = Date.now();
    const t = await awaitFluxCommit({ peer, members: opts.members, revision, commit, pushedAt: pushed, trigger: opts.trigger, timeoutMs });
    const after = await scrapeWrites(peer.hubClient);
    const w = writesBetween(before, after);
    before = after;
    lastAfter = after;
    const sample: CommitSample = {
      revision,
      commit,
      pushMs: pushed - pushStart,
      ...t,
      hubWrites: record(w),
      hubWritesTotal: totalOf(w),
    };
    samples.push(sample);
    progress(
      `flux: revision ${revision} (${commit.slice(0, 8)}) on ${opts.members.length} members in ${sample.allMs} ms ` +
        `(artifact ${sample.artifactMs} ms, Flux Ready ${sample.fluxReadyMs} ms, ${sample.hubWritesTotal} hub writes)`,
    );
  }
  const wallSeconds = (Date.now() - t0) / 1000;
  const cpu1 = peer.cpuSeconds();
  const cpuSeconds = Object.fromEntries(Object.keys(cpu1).map((k) => [k, (cpu1[k] ?? 0) - (cpu0[k] ?? 0)]));
  const all = writesBetween(firstScrape, lastAfter);
  return {
    trigger: opts.trigger,
    members: opts.members.length,
    samples,
    delivery: summarize(samples.map((s) => s.allMs)),
    perMember: summarize(samples.flatMap((s) => Object.values(s.memberMs))),
    fluxReady: summarize(samples.map((s) => s.fluxReadyMs)),
    hubWritesPerClusterPerRevision: totalOf(all) / Math.max(1, opts.members.length * samples.length),
    hubWrites: record(all),
    cpuSeconds,
    wallSeconds,
    memory: peer.memory(),
  };
}
