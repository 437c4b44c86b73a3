// The fleet bench's figures and the table it prints: Plinth next to Flux, with the ratio (Flux / Plinth: above 1
// means Plinth is better for times, writes, memory and CPU).
import type { ProcessMemory } from './flux/controllers.js';
import { summarize, type LatencySummary } from '../lib/stats.js';

export interface PlinthSample {
  revision: number;
  commit: string;
  /** Webhook sent -> the GitSource has fetched the commit. */
  fetchedMs: number;
  /** -> every ClusterDelivery asks for it (rendered, fanned out). */
  fannedOutMs: number;
  /** -> every ClusterDelivery reports it applied (agents). */
  appliedMs: number;
  /** -> that member has the ConfigMap value and the Deployment rolled out (watched on the member). */
  memberMs: Record<string, number>;
  allMs: number;
  /** -> every ClusterDelivery reports it applied and Healthy (agents' status). */
  clustersHealthyMs: number;
  /** -> the FleetDelivery reports every cluster healthy at the commit. */
  ownReadyMs: number;
  hubWrites: Record<string, number>;
}

export interface FluxSample {
  revision: number;
  commit: string;
  artifactMs: number;
  memberMs: Record<string, number>;
  allMs: number;
  fluxReadyMs: number;
  hubWrites: Record<string, number>;
}

export interface Figures {
  members: number;
  commits: number;
  cli: 'dist' | 'tsx';
  clustersUpSeconds: number;
  loadBefore: number[];
  loadDuring: number[];
  loadAfter: number[];
  /** Writes neither window owns: the members' MemberCluster status heartbeats. */
  backgroundWrites: Record<string, number>;
  /** Wall time of the measured commits (both windows). */
  windowSeconds: number;
  plinth: {
    samples: PlinthSample[];
    writes: Record<string, number>;
    cpuSeconds: { manager: number; agents: number };
    memory: { manager?: ProcessMemory; agents: Record<string, ProcessMemory | undefined> };
  };
  flux?: {
    samples: FluxSample[];
    writes: Record<string, number>;
    cpuSeconds: Record<string, number>;
    memory: Record<string, ProcessMemory | undefined>;
  };
}

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
const mib = (b: number | undefined): number => (b === undefined ? NaN : b / 1024 / 1024);

/** Writes per delivery per cluster per revision (`stored`: without Token/SubjectAccessReviews, which the API server answers and never stores). */
export function writesPerClusterRevision(writes: Record<string, number>, members: number, commits: number, stored = false): number {
  const counted = stored ? Object.fromEntries(Object.entries(writes).filter(([k]) => !/ (authorization|authentication)\.k8s\.io\//.test(k))) : writes;
  return sum(counted) / Math.max(1, members * commits);
}

function ratio(flux: number | undefined, plinth: number): string {
  if (flux === undefined || !Number.isFinite(flux) || !Number.isFinite(plinth) || plinth === 0) return '';
  return `${(flux / plinth).toFixed(1)}×`;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function latencies(f: Figures): { plinth: LatencySummary; plinthMember: LatencySummary; flux?: LatencySummary; fluxMember?: LatencySummary } {
  return {
    plinth: summarize(f.plinth.samples.map((s) => s.allMs)),
    plinthMember: summarize(f.plinth.samples.flatMap((s) => Object.values(s.memberMs))),
    flux: f.flux ? summarize(f.flux.samples.map((s) => s.allMs)) : undefined,
    fluxMember: f.flux ? summarize(f.flux.samples.flatMap((s) => Object.values(s.memberMs))) : undefined,
  };
}

export function reportTable(f: Figures): string {
  const l = latencies(f);
  const p = f.plinth;
  const x = f.flux;
  const agentRss = Object.values(p.memory.agents).map((m) => mib(m?.rssBytes));
  const agentPeak = Object.values(p.memory.agents).map((m) => mib(m?.peakBytes));
  const fluxRss = x ? sum(Object.fromEntries(Object.entries(x.memory).map(([k, m]) => [k, mib(m?.rssBytes)]))) : undefined;
  const fluxCpu = x ? sum(x.cpuSeconds) : undefined;
  const pw = writesPerClusterRevision(p.writes, f.members, p.samples.length);
  const xw = x ? writesPerClusterRevision(x.writes, f.members, x.samples.length) : undefined;
  const phase = (k: keyof PlinthSample): string => {
    const s = summarize(p.samples.map((v) => v[k] as number));
    return `p50 ${s.p50} / p99 ${s.p99}`;
  };
  const lines = [
    `== fleet bench: ${f.members} light members, ${f.commits} commits, webhook trigger; plinth CLI from ${f.cli} ==`,
    `load average before ${f.loadBefore.map((v) => v.toFixed(1)).join(' ')}, during (1 min, per commit) ${f.loadDuring.map((v) => v.toFixed(1)).join(' ')}, after ${f.loadAfter.map((v) => v.toFixed(1)).join(' ')}; clusters up in ${f.clustersUpSeconds.toFixed(0)} s`,
    '',
    row(['figure', 'Plinth', 'Flux', 'Flux / Plinth']),
    row(['---', '---', '---', '---']),
    row(['trigger → all members applied and healthy, p50 (ms)', String(l.plinth.p50), String(l.flux?.p50 ?? ''), ratio(l.flux?.p50, l.plinth.p50)]),
    row(['… p99 (ms)', String(l.plinth.p99), String(l.flux?.p99 ?? ''), ratio(l.flux?.p99, l.plinth.p99)]),
    row(['per member, p50 / p99 (ms)', `${l.plinthMember.p50} / ${l.plinthMember.p99}`, l.fluxMember ? `${l.fluxMember.p50} / ${l.fluxMember.p99}` : '', ratio(l.fluxMember?.p99, l.plinthMember.p99)]),
    row([
      "own status says done (FleetDelivery healthy / every Kustomization Ready), p99 (ms)",
      String(summarize(p.samples.map((s) => s.ownReadyMs)).p99),
      x ? String(summarize(x.samples.map((s) => s.fluxReadyMs)).p99) : '',
      x ? ratio(summarize(x.samples.map((s) => s.fluxReadyMs)).p99, summarize(p.samples.map((s) => s.ownReadyMs)).p99) : '',
    ]),
    row(['source fetched (GitSource commit / GitRepository artifact), p50 (ms)', String(summarize(p.samples.map((s) => s.fetchedMs)).p50), x ? String(summarize(x.samples.map((s) => s.artifactMs)).p50) : '', '']),
    row(['hub API writes per cluster per revision', pw.toFixed(2), xw?.toFixed(2) ?? '', ratio(xw, pw)]),
    row([
      '… stored (without access reviews)',
      writesPerClusterRevision(p.writes, f.members, p.samples.length, true).toFixed(2),
      x ? writesPerClusterRevision(x.writes, f.members, x.samples.length, true).toFixed(2) : '',
      x ? ratio(writesPerClusterRevision(x.writes, f.members, x.samples.length, true), writesPerClusterRevision(p.writes, f.members, p.samples.length, true)) : '',
    ]),
    row([
      'hub controllers RSS at the end (MiB)',
      mib(p.memory.manager?.rssBytes).toFixed(0),
      fluxRss !== undefined ? `${fluxRss.toFixed(0)} (source + kustomize)` : '',
      ratio(fluxRss, mib(p.memory.manager?.rssBytes)),
    ]),
    row(['hub controllers CPU in their windows (s)', p.cpuSeconds.manager.toFixed(1), fluxCpu?.toFixed(1) ?? '', ratio(fluxCpu, p.cpuSeconds.manager)]),
    row(['+ agents CPU in their windows (s)', (p.cpuSeconds.manager + p.cpuSeconds.agents).toFixed(1), fluxCpu?.toFixed(1) ?? '', ratio(fluxCpu, p.cpuSeconds.manager + p.cpuSeconds.agents)]),
    row(['agent RSS, max (peak) over members (MiB)', `${Math.max(...agentRss).toFixed(0)} (${Math.max(...agentPeak).toFixed(0)})`, '— (no agent)', '']),
    '',
    `Plinth phases from the webhook (ms): fetched ${phase('fetchedMs')}; fanned out ${phase('fannedOutMs')}; agents applied ${phase('appliedMs')}; agents report healthy ${phase('clustersHealthyMs')}; members healthy ${phase('allMs')}; FleetDelivery healthy ${phase('ownReadyMs')}`,
    `Plinth hub writes: ${JSON.stringify(p.writes)}`,
    `heartbeats (not per revision, left out of both): ${JSON.stringify(f.backgroundWrites)} over ${f.windowSeconds.toFixed(0)} s`,
    x ? `Flux hub writes: ${JSON.stringify(x.writes)}` : '',
    'commits (ms, slowest member): ' + p.samples.map((s, i) => `r${s.revision} ${s.allMs}${x?.samples[i] ? `/${x.samples[i].allMs}` : ''}`).join(', '),
  ];
  return lines.join('\n') + '\n';
}
