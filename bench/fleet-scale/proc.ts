// What the bench reads of the hub's processes and its kube-apiserver: CPU seconds and RSS from /proc, and the
// request and watch counters of /metrics (parsed here; pure except the /proc reads).
import { readFileSync, readdirSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

export interface ProcSample {
  cpuSeconds: number;
  rssBytes: number;
}

/** CPU seconds (user + system) and resident memory of a process; undefined when it is gone. */
export function procSample(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // after "pid (comm) ": state=0 … utime=11 stime=12 … rss=21 (pages)
    return { cpuSeconds: (Number(f[11]) + Number(f[12])) / TICKS, rssBytes: Number(f[21]) * 4096 };
  } catch {
    return undefined;
  }
}

/** The pids whose command line contains every one of `parts`. */
export function findPids(...parts: string[]): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (parts.every((p) => cmd.includes(p))) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

/** The 1-, 5- and 15-minute load averages and the number of cores. */
export function machineLoad(): { load1: number; load5: number; load15: number; cores: number } {
  const [a, b, c] = readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
  const cores = readFileSync('/proc/cpuinfo', 'utf8').split('\n').filter((l) => l.startsWith('processor')).length;
  return { load1: a ?? 0, load5: b ?? 0, load15: c ?? 0, cores };
}

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parse the Prometheus text format, keeping only the metrics named. */
export function parseMetrics(text: string, names: readonly string[]): MetricSample[] {
  const out: MetricSample[] = [];
  const wanted = new Set(names);
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || !wanted.has(m[1]!)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'APPLY', 'CREATE', 'UPDATE']);

/** Writes (apiserver_request_total with a write verb) by `resource[/subresource]`. */
export function writesByResource(samples: readonly MetricSample[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== 'apiserver_request_total' || !WRITE_VERBS.has(s.labels['verb'] ?? '')) continue;
    const k = `${s.labels['resource'] ?? '?'}${s.labels['subresource'] ? `/${s.labels['subresource']}` : ''}`;
    out.set(k, (out.get(k) ?? 0) + s.value);
  }
  return out;
}

/** `after − before` per key (keys only in `after` count from 0). */
export function delta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d !== 0) out.set(k, d);
  }
  return out;
}

/** Watches open now, by resource (apiserver_longrunning_requests{verb="WATCH"}, else apiserver_registered_watchers). */
export function openWatches(samples: readonly MetricSample[]): Map<string, number> {
  const out = new Map<string, number>();
  const lr = samples.filter((s) => s.name === 'apiserver_longrunning_requests' && s.labels['verb'] === 'WATCH');
  const src = lr.length > 0 ? lr : samples.filter((s) => s.name === 'apiserver_registered_watchers');
  for (const s of src) {
    const k = s.labels['resource'] ?? s.labels['kind'] ?? '?';
    out.set(k, (out.get(k) ?? 0) + s.value);
  }
  return out;
}

export { percentile } from '../lib/stats.js';
