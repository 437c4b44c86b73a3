// Measures what local clusters cost on this machine: resident memory and idle CPU of every process.
//   npx tsx scripts/measure-members.ts --full 1            one full local cluster (today's `plinth up`)
//   npx tsx scripts/measure-members.ts --members 32        32 light members on one shared etcd
// Options: --kube-version old|new (default new), --idle S (settle before sampling, default 20),
//          --window S (CPU sampling window, default 30), --deployment (create a 2-replica Deployment
//          in every member and wait until it is Available before sampling).
// Prints one line per cluster (RSS MiB per component, CPU % of one core) and the totals, plus the
// machine's load average before and after, then stops everything it started.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { KubeClient } from '../src/kube/http.js';
import { ref } from '../src/kube/resource.js';
import { sleep } from '../src/kube/clock.js';
import { forEachLimit } from '../src/kube/pool.js';
import { startCluster, startSharedEtcd, type LocalCluster, type SharedEtcd } from '../src/localenv/index.js';

const { values } = parseArgs({
  options: {
    full: { type: 'string' },
    members: { type: 'string' },
    'kube-version': { type: 'string', default: 'new' },
    idle: { type: 'string', default: '20' },
    window: { type: 'string', default: '30' },
    deployment: { type: 'boolean', default: false },
    parallel: { type: 'string', default: '4' },
  },
});

const TICK = 100; // USER_HZ
const PAGE = 4096;

function procCpuTicks(pid: number): number {
  try {
    const t = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = t.slice(t.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
  } catch {
    return 0;
  }
}

function procRssBytes(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
  } catch {
    return 0;
  }
}

/** Proportional set size: shared pages (the same binary's text in 32 API servers) counted once overall. */
function procPssBytes(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

interface Proc {
  cluster: string;
  component: string;
  pid: number;
}

function procsOf(c: LocalCluster): Proc[] {
  const rec = JSON.parse(readFileSync(`${c.stateDir}/cluster.json`, 'utf8')) as { components: Record<string, { pid: number | null }>; sharedEtcd?: unknown };
  return Object.entries(rec.components)
    .filter(([name, r]) => r.pid !== null && !(name === 'etcd' && rec.sharedEtcd))
    .map(([component, r]) => ({ cluster: c.name, component, pid: r.pid! }));
}

const mib = (b: number): string => (b / 1024 / 1024).toFixed(0);

async function deploy(c: LocalCluster): Promise<void> {
  const client = await KubeClient.fromKubeConfig(c.kubeConfig);
  const deployments = ref('apps/v1', 'deployments', 'default');
  await client.create(deployments, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'probe' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'probe' } },
      template: { metadata: { labels: { app: 'probe' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
    },
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const d = await client.get<{ status?: { availableReplicas?: number } }>(deployments, 'probe');
    if ((d.status?.availableReplicas ?? 0) === 2) break;
    if (Date.now() > deadline) throw new Error(`${c.name}: Deployment not available after 120 s`);
    await sleep(500);
  }
  client.close();
}

async function main(): Promise<void> {
  const version = values['kube-version'] === 'old' ? 'old' : 'new';
  const full = values.full !== undefined ? Number(values.full) : 0;
  const members = values.members !== undefined ? Number(values.members) : 0;
  const load0 = loadavg();
  process.stdout.write(`load average before: ${load0.map((l) => l.toFixed(2)).join(' ')}\n`);
  const clusters: LocalCluster[] = [];
  let etcd: SharedEtcd | undefined;
  const t0 = Date.now();
  const starts: number[] = [];
  try {
    if (full > 0) {
      await forEachLimit(Array.from({ length: full }, (_, i) => i), Number(values.parallel), async (i) => {
        const s = Date.now();
        clusters.push(await startCluster({ name: `measure-full-${i + 1}`, version }));
        starts.push(Date.now() - s);
      });
    }
    if (members > 0) {
      etcd = await startSharedEtcd({ name: 'measure-members-etcd', detached: true });
      await forEachLimit(Array.from({ length: members }, (_, i) => i), Number(values.parallel), async (i) => {
        const s = Date.now();
        // Detached, as `plinth up` starts members: no watchdog process per member (stopped in `finally`).
        clusters.push(await startCluster({ name: `measure-member-${i + 1}`, version, member: true, sharedEtcd: etcd!, detached: true }));
        starts.push(Date.now() - s);
      });
    }
    const allUp = Date.now() - t0;
    if (values.deployment) await forEachLimit(clusters, Number(values.parallel), deploy);
    process.stdout.write(`started ${clusters.length} clusters in ${(allUp / 1000).toFixed(1)} s (each: p50 ${(median(starts) / 1000).toFixed(1)} s, max ${(Math.max(...starts) / 1000).toFixed(1)} s)\n`);
    await sleep(Number(values.idle) * 1000);
    const procs = clusters.flatMap(procsOf);
    if (etcd) procs.push({ cluster: 'shared', component: 'etcd', pid: etcd.pid });
    const before = new Map(procs.map((p) => [p.pid, procCpuTicks(p.pid)]));
    const windowS = Number(values.window);
    await sleep(windowS * 1000);
    const rows = procs.map((p) => ({ ...p, rss: procRssBytes(p.pid), pss: procPssBytes(p.pid), cpu: ((procCpuTicks(p.pid) - before.get(p.pid)!) / TICK / windowS) * 100 }));
    const byCluster = new Map<string, typeof rows>();
    for (const r of rows) byCluster.set(r.cluster, [...(byCluster.get(r.cluster) ?? []), r]);
    for (const [name, rs] of byCluster) {
      const parts = rs.map((r) => `${r.component} ${mib(r.rss)} MiB ${r.cpu.toFixed(1)}%`).join(', ');
      const rss = rs.reduce((s, r) => s + r.rss, 0);
      const cpu = rs.reduce((s, r) => s + r.cpu, 0);
      process.stdout.write(`${name}: ${mib(rss)} MiB, ${cpu.toFixed(1)}% CPU (${parts})\n`);
    }
    const memberRows = rows.filter((r) => r.cluster !== 'shared');
    const per = memberRows.length > 0 ? byCluster.size - (etcd ? 1 : 0) : 1;
    const totalRss = rows.reduce((s, r) => s + r.rss, 0);
    const totalCpu = rows.reduce((s, r) => s + r.cpu, 0);
    const totalPss = rows.reduce((s, r) => s + r.pss, 0);
    process.stdout.write(
      `TOTAL ${clusters.length} clusters: ${mib(totalRss)} MiB RSS (${mib(totalRss / per)} MiB each incl. shared etcd), ` +
        `${mib(totalPss)} MiB PSS (${mib(totalPss / per)} MiB each), ` +
        `idle CPU ${totalCpu.toFixed(1)}% of one core (${(totalCpu / per).toFixed(2)}% each), over ${windowS} s\n`,
    );
    const load1 = loadavg();
    process.stdout.write(`load average after: ${load1.map((l) => l.toFixed(2)).join(' ')}\n`);
  } finally {
    await forEachLimit(clusters, 8, (c) => c.stop());
    await etcd?.stop();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

await main();
