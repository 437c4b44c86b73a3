// Switch benchmark: an OLD 1.24 local cluster with many objects (config maps, secrets, services, deployments,
// batch/v1beta1 CronJobs) is switched to NEW 1.34 with `runSwitch` (plan commands: `plinth local stop|start`),
// then rolled back with `runRollback`; every phase is timed. The peer, measured in the same run, is the other
// way to undo a cutover: restoring the export with `kubectl apply --server-side` (per-directory, like a
// backup restore) into the NEW cluster — what a rollback costs when the old data was not kept.
//   npm run bench -- switch        (BENCH_OBJECTS to change the size, default 10000)
// Caveat: each plan command is a Node process (~1-2 s of start-up); on real machines they would be systemctl.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient } from '../../src/kube/http.js';
import { ref } from '../../src/kube/resource.js';
import { startCluster, stopCluster } from '../../src/localenv/index.js';
import { bindMigrate } from '../../src/upgrade/migrate/switch/migrate-binding.js';
import { loadPlan } from '../../src/upgrade/migrate/switch/plan.js';
import type { RunReport } from '../../src/upgrade/migrate/switch/report.js';
import { runRollback, runSwitch } from '../../src/upgrade/migrate/switch/switch.js';
import { writePlan, type LocalSide } from '../../test/support/upgrade-switch-env.js';
import { renderFigures, type Figure } from '../lib/report.js';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 10_000);
const NAMESPACES = 10;
const PEER_TIMEOUT_MS = Number(process.env.BENCH_PEER_TIMEOUT_MS ?? 600_000);
const log = (m: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${m}\n`);

/** The object mix: 60% config maps, 25% secrets, 10% services, 3% CronJobs (batch/v1beta1), 2% Deployments. */
function* objects(n: number): Generator<{ r: ReturnType<typeof ref>; obj: Record<string, unknown> }> {
  for (let i = 0; i < n; i++) {
    const ns = `bench-${i % NAMESPACES}`;
    const name = `o-${i}`;
    const p = i % 100;
    if (p < 60) yield { r: ref('v1', 'configmaps', ns), obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { key: `value-${i}`.repeat(8) } } };
    else if (p < 85) yield { r: ref('v1', 'secrets', ns), obj: { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData: { token: `t-${i}` } } };
    else if (p < 95) yield { r: ref('v1', 'services', ns), obj: { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector: { app: name }, ports: [{ port: 80 }] } } };
    else if (p < 98) {
      yield {
        r: ref('batch/v1beta1', 'cronjobs', ns),
        obj: { apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name, namespace: ns }, spec: { schedule: '0 3 * * *', suspend: true, jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } } } },
      };
    } else {
      const labels = { app: name };
      yield {
        r: ref('apps/v1', 'deployments', ns),
        obj: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } },
      };
    }
  }
}

async function populate(kubeconfig: string): Promise<void> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const c = await KubeClient.fromKubeConfig(kc);
  try {
    for (let i = 0; i < NAMESPACES; i++) await c.create(ref('v1', 'namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bench-${i}` } });
    const all = [...objects(OBJECTS)];
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < all.length) {
          const o = all[next++]!;
          await c.create(o.r, o.obj);
        }
      }),
    );
  } finally {
    c.close();
  }
}

const phase = (r: RunReport, name: string): number => r.phases.find((p) => p.name === name)?.seconds ?? NaN;

export async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'plinth-bench-switch-'));
  const id = Math.random().toString(36).slice(2, 7);
  const oldSide: LocalSide = { name: `bsw-old-${id}`, stateDir: join(tmp, 'old'), version: 'old' };
  const newSide: LocalSide = { name: `bsw-new-${id}`, stateDir: join(tmp, 'new'), version: 'new' };
  try {
    log(`starting OLD and populating ${OBJECTS} objects`);
    await startCluster({ name: oldSide.name, stateDir: oldSide.stateDir, version: 'old', nodes: 4, zones: 2, detached: true, keepStateDir: true });
    const t0 = Date.now();
    await populate(join(oldSide.stateDir, 'kubeconfig'));
    log(`populated in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    const planFile = join(tmp, 'plan.yaml');
    await writePlan(planFile, { old: oldSide, new: newSide, workDir: join(tmp, 'work') });
    const plan = await loadPlan(planFile);
    const migrate = bindMigrate();
    const onEvent = (e: { type: string; phase: { name: string; durationMs?: number; detail?: string } }): void => {
      if (e.type === 'end') log(`${e.phase.name} ${((e.phase.durationMs ?? 0) / 1000).toFixed(1)}s ${e.phase.detail ?? ''}`);
    };
    const sw = await runSwitch({ plan, migrate, onEvent });
    if (sw.error) throw sw.error;
    const rb = await runRollback({ plan, migrate, onEvent });
    if (rb.error) throw rb.error;

    // Peer: restore the export into NEW with kubectl (what undoing costs without the kept old data).
    log('peer: starting NEW again and restoring the export with kubectl apply --server-side');
    const start = spawnSync('sh', ['-c', `${plan.hosts[0]!.new.start.join(' && ')}`], { stdio: 'ignore' });
    if (start.status !== 0) throw new Error('could not restart NEW for the peer');
    const p0 = Date.now();
    // kubectl applies file by file (~10 objects/s here): capped, the figure is then a lower bound.
    const kubectl = spawnSync('kubectl', ['--kubeconfig', plan.new.kubeconfig, 'apply', '--server-side', '--force-conflicts', '-R', '-f', join(plan.workDir, 'export', 'objects')], {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: PEER_TIMEOUT_MS,
    });
    const peerSeconds = (Date.now() - p0) / 1000;
    if (kubectl.status !== 0) log(`kubectl apply ${kubectl.status === null ? `stopped after ${peerSeconds.toFixed(0)} s (a lower bound)` : `exited ${kubectl.status}`}: ${(kubectl.stderr ?? '').split('\n').slice(0, 3).join(' | ')}`);

    const exported = OBJECTS + NAMESPACES;
    const exportImport = phase(sw.report, 'backup') + phase(sw.report, 'import');
    const figures: Figure[] = [
      ...sw.report.phases.map((p): Figure => ({ metric: `switch ${p.name}`, unit: 's', better: 'lower', plinth: p.seconds ?? NaN, peers: {} })),
      { metric: 'switch total', unit: 's', better: 'lower', plinth: sw.report.totalSeconds, peers: {} },
      { metric: 'export + import', unit: 's', better: 'lower', plinth: exportImport, peers: {}, target: '≤ 60', check: (v) => v <= 60 },
      { metric: 'export + import rate', unit: 'objects/s', better: 'higher', plinth: exported / exportImport, peers: { 'velero (published)': 10 }, target: '≥ 200', check: (v) => v >= 200 },
      ...rb.report.phases.map((p): Figure => ({ metric: `rollback ${p.name}`, unit: 's', better: 'lower', plinth: p.seconds ?? NaN, peers: {} })),
      {
        metric: 'rollback total',
        unit: 's',
        better: 'lower',
        plinth: rb.report.totalSeconds,
        peers: { 'kubectl apply restore': peerSeconds },
        target: '≤ 30',
        check: (v) => v <= 30,
      },
    ];
    process.stdout.write(renderFigures(`switch: ${exported} objects, OLD v1.24 -> NEW v1.34 -> rollback`, figures).text);
  } finally {
    for (const s of [oldSide, newSide]) await stopCluster(s.name, { stateDir: s.stateDir }).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
