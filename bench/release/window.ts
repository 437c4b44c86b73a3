// One measured window of the release bench: API requests (apiserver_request_total), writes by client (audit
// log), CPU per cluster component and of this process, and an optional CPU profile of this process.
import type { KubeClient } from '../../src/kube/http.js';
import type { LocalCluster } from '../../src/localenv/index.js';
import { sleep } from '../../src/kube/clock.js';
import { describeCpu, startCpuMeter, type CpuReading } from '../lib/cpu.js';
import { startProfile } from '../lib/profile.js';
import { auditWrites, fileSize, type AuditRow } from './audit.js';
import { deltaWrites, scrapeRequests, totalWrites, type WriteCounts } from './metrics.js';

export interface Window {
  ms: number;
  metrics: WriteCounts;
  /** GET, LIST and WATCH requests (all clients, this bench's own polling included). */
  reads: WriteCounts;
  audit: { rows: AuditRow[]; byActor: Map<string, number>; total: number };
  /** CPU seconds per cluster component and of this process (which also runs the Plinth manager). */
  cpu: CpuReading;
}

export interface WindowContext {
  cluster: LocalCluster;
  client: KubeClient;
  auditLog: string;
  log: (m: string) => void;
}

/** Runs `act` (the change) and `done` (waits until complete) between two scrapes of /metrics and an audit cut. */
export async function measure(label: string, c: WindowContext, act: () => Promise<void>, done: () => Promise<void>): Promise<Window> {
  const offset = fileSize(c.auditLog);
  const before = await scrapeRequests(c.client);
  const meter = await startCpuMeter(c.cluster);
  const profile = await startProfile(label);
  const t0 = Date.now();
  await act();
  await done();
  const ms = Date.now() - t0;
  const cpu = meter.stop();
  const profiled = await profile.stop();
  if (profiled) c.log(`CPU profile of this process: ${profiled}`);
  const after = await scrapeRequests(c.client);
  await sleep(500); // let the audit backend flush the last lines
  return {
    ms,
    metrics: deltaWrites(before.writes, after.writes),
    reads: deltaWrites(before.reads, after.reads),
    audit: auditWrites(c.auditLog, offset, t0 - 5, t0 + ms + 5),
    cpu,
  };
}

/** CPU seconds of every cluster component and of this process in a window. */
export function cpuTotal(c: CpuReading): number {
  return Object.values(c.components).reduce((a, b) => a + b, 0) + c.client;
}

/** kube-apiserver CPU seconds in a window. */
export function apiserverCpu(w: Window): number {
  return w.cpu.components['kube-apiserver'] ?? 0;
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => '  ' + r.map((c, i) => (i === r.length - 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

export function describeWindow(title: string, w: Window): string {
  const metricRows = [...w.metrics].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, String(v)]);
  const auditRows = w.audit.rows.map((r) => [r.actor, r.what, String(r.count)]);
  return (
    `-- ${title}: ${(w.ms / 1000).toFixed(1)} s, ${totalWrites(w.metrics)} writes by apiserver_request_total, ${w.audit.total} in the audit log --\n` +
    `${describeCpu(w.cpu)} (client: this process, with the Plinth manager and the bench's watchers)\n` +
    `apiserver_request_total delta by verb and resource:\n` +
    table([['verb resource', 'count'], ...metricRows]) +
    `reads (GET, LIST, WATCH started) by verb and resource:\n` +
    table([['verb resource', 'count'], ...[...w.reads].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, String(v)])]) +
    `audit log by client:\n` +
    table([['client', 'verb resource', 'count'], ...auditRows])
  );
}
