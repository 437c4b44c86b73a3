/**
 * CPU accounting for a benchmark phase on a shared machine: the CPU seconds a cluster's components and
 * this process used, and the share of the machine's time the hypervisor stole. Wall times on a 2-core VM
 * move with its neighbours (steal of 0–28 % in 2-second samples was seen); CPU seconds per object do not,
 * so the benches print both.
 */
import { readFileSync } from 'node:fs';
import { readRecord } from '../../src/localenv/cluster/state.js';
import type { LocalCluster } from '../../src/localenv/index.js';

const TICKS_PER_SECOND = 100;

/**
 * utime + stime of a process in seconds (with `children`, also of its children it has waited for, e.g.
 * kubectl runs), or undefined when it is gone.
 */
function processCpuSeconds(pid: number | 'self', children = false): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses: utime, stime, cutime and cstime
    // are fields 14 to 17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 15).map(Number);
    return (f[0]! + f[1]! + (children ? f[2]! + f[3]! : 0)) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** [steal, total] jiffies of the whole machine (the first eight fields of /proc/stat's cpu line). */
function machineTicks(): [number, number] {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  return [cpu[7] ?? 0, cpu.reduce((a, b) => a + b, 0)];
}

export interface CpuReading {
  /** CPU seconds per component of the cluster (kube-apiserver, etcd, …). */
  components: Record<string, number>;
  /** CPU seconds of this (the client) process and of the children it ran to completion (kubectl). */
  client: number;
  /** Stolen share of the machine's time, 0..1. */
  steal: number;
  wallSeconds: number;
}

export interface CpuMeter {
  stop(): CpuReading;
}

/** Start measuring the components of `cluster` and this process. */
export async function startCpuMeter(cluster: LocalCluster): Promise<CpuMeter> {
  const rec = await readRecord(cluster.stateDir);
  const pids = Object.entries(rec?.components ?? {}).flatMap(([name, c]) => (c.pid ? [[name, c.pid] as const] : []));
  const start = new Map(pids.map(([name, pid]) => [name, processCpuSeconds(pid) ?? 0]));
  const client0 = processCpuSeconds('self', true) ?? 0;
  const m0 = machineTicks();
  const t0 = performance.now();
  return {
    stop: (): CpuReading => {
      const components: Record<string, number> = {};
      for (const [name, pid] of pids) components[name] = (processCpuSeconds(pid) ?? start.get(name)!) - start.get(name)!;
      const m1 = machineTicks();
      const total = m1[1] - m0[1];
      return { components, client: (processCpuSeconds('self', true) ?? client0) - client0, steal: total > 0 ? (m1[0] - m0[0]) / total : 0, wallSeconds: (performance.now() - t0) / 1000 };
    },
  };
}

/** One line: `kube-apiserver 41.2 s, etcd 6.1 s, …, client 9.3 s; steal 12 %`. */
export function describeCpu(r: CpuReading): string {
  const parts = Object.entries(r.components)
    .filter(([, s]) => s >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([n, s]) => `${n} ${s.toFixed(1)} s`);
  return `CPU ${[...parts, `client ${r.client.toFixed(1)} s`].join(', ')} in ${r.wallSeconds.toFixed(1)} s; steal ${(r.steal * 100).toFixed(0)} %`;
}
