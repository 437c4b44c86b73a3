// Migration benchmark: 10,000 objects (config maps, secrets, services and Deployments with 0 replicas
// across namespaces) on an OLD 1.24 cluster, moved to a fresh NEW 1.34 cluster by Plinth
// (`exportCluster` + `importCluster`) and, in the same run, by the kubectl way: `kubectl get -o json`,
// the generated fields stripped, then `kubectl apply -f` (client-side) into another fresh NEW cluster.
// Target (issue 4): export + import ≤ 60 s (≥ 200 objects/s). Scale: BENCH_MIGRATE_OBJECTS (default 10000).
// BENCH_APISERVER_ARGS adds kube-apiserver flags to both NEW targets (e.g. `--profiling=true` to take CPU
// profiles with `kubectl get --raw /debug/pprof/profile` while the import runs).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type LocalCluster } from '../../src/localenv/index.js';
import { KubeClient } from '../../src/kube/http.js';
import { CORE, ref } from '../../src/kube/resource.js';
import { exportCluster, importCluster, verifyImport } from '../../src/upgrade/migrate/index.js';
import { pool } from '../lib/pods.js';
import { renderFigures, type Figure } from '../lib/report.js';
import { describeCpu, startCpuMeter } from '../lib/cpu.js';

const TOTAL = Number(process.env.BENCH_MIGRATE_OBJECTS ?? 10_000);
const NAMESPACES = 20;
/** Development runs only: leave the kubectl peer out (the figures then have no ratio). */
const SKIP_PEER = process.env.BENCH_SKIP_PEER === '1';
/** Development runs only: keep the export directory (to import it again elsewhere). */
const KEEP_EXPORT = process.env.BENCH_KEEP_EXPORT === '1';
const LABEL = { bench: 'migrate' };
/** Extra kube-apiserver flags for the NEW targets (space-separated). */
const APISERVER_ARGS = (process.env.BENCH_APISERVER_ARGS ?? '').split(' ').filter((a) => a !== '');
const log = (m: string): void => void process.stderr.write(`${m}\n`);

/** 40% config maps, 20% secrets, 20% services, 20% Deployments (0 replicas), spread over the namespaces. */
function objects(): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const perNs = Math.floor((TOTAL - NAMESPACES) / NAMESPACES);
  for (let n = 0; n < NAMESPACES; n++) {
    const namespace = `bench-${n}`;
    for (let i = 0; i < perNs; i++) {
      const k = i % 5;
      const metadata = { name: `obj-${i}`, namespace, labels: { ...LABEL, app: `app-${i}` } };
      if (k === 0 || k === 1) out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { 'config.yaml': `replicas: ${i}\nname: app-${i}\nfeature: on\n`, index: String(i) } });
      else if (k === 2) out.push({ apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque', data: { token: Buffer.from(`secret-${namespace}-${i}`).toString('base64') } });
      else if (k === 3) out.push({ apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: { app: `app-${i}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
      else {
        out.push({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata,
          spec: { replicas: 0, selector: { matchLabels: { app: `app-${i}` } }, template: { metadata: { labels: { app: `app-${i}` } }, spec: { containers: [{ name: 'app', image: `registry.example/app:${i % 7}`, ports: [{ containerPort: 8080 }], env: [{ name: 'CONFIG', valueFrom: { configMapKeyRef: { name: `obj-${i - (i % 5)}`, key: 'index' } } }] }] } } },
        });
      }
    }
  }
  return out;
}

const RES: Record<string, string> = { ConfigMap: 'configmaps', Secret: 'secrets', Service: 'services', Deployment: 'deployments' };

async function populate(client: KubeClient): Promise<number> {
  for (let n = 0; n < NAMESPACES; n++) await client.create(CORE.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bench-${n}`, labels: LABEL } });
  const objs = objects();
  let done = 0;
  await pool(objs, 48, async (o) => {
    const m = o.metadata as { namespace: string };
    await client.create(ref(o.apiVersion as string, RES[o.kind as string]!, m.namespace), o);
    if (++done % 2000 === 0) log(`  created ${done}/${objs.length}`);
  });
  return objs.length + NAMESPACES;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    c.stdout.on('data', (d: Buffer) => out.push(d));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('error', reject);
    c.on('exit', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(0, 500)}`))));
  });
}

/** What a user strips before `kubectl apply` into another cluster (like kubectl-neat). */
function neat(o: Record<string, unknown>): Record<string, unknown> {
  const m = { ...(o.metadata as Record<string, unknown>) };
  for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink']) delete m[k];
  const ann = m.annotations as Record<string, string> | undefined;
  if (ann) {
    delete ann['deployment.kubernetes.io/revision'];
    delete ann['kubectl.kubernetes.io/last-applied-configuration'];
  }
  const out: Record<string, unknown> = { ...o, metadata: m };
  delete out.status;
  if (o.kind === 'Service') {
    const spec = { ...(o.spec as Record<string, unknown>) };
    delete spec.clusterIP;
    delete spec.clusterIPs;
    out.spec = spec;
  }
  return out;
}

async function kubectlWay(source: LocalCluster, target: LocalCluster, dir: string): Promise<{ exportS: number; importS: number; objects: number }> {
  const t0 = performance.now();
  const nsJson = await run('kubectl', ['get', 'namespaces', '-l', 'bench=migrate', '-o', 'json'], { KUBECONFIG: source.kubeconfigPath });
  const json = await run('kubectl', ['get', 'configmaps,secrets,services,deployments', '-A', '-l', 'bench=migrate', '-o', 'json'], { KUBECONFIG: source.kubeconfigPath });
  const items = [...(JSON.parse(nsJson) as { items: Array<Record<string, unknown>> }).items, ...(JSON.parse(json) as { items: Array<Record<string, unknown>> }).items].map(neat);
  const file = join(dir, 'kubectl-export.json');
  await writeFile(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  const t1 = performance.now();
  await run('kubectl', ['apply', '-f', file], { KUBECONFIG: target.kubeconfigPath });
  const t2 = performance.now();
  return { exportS: (t1 - t0) / 1000, importS: (t2 - t1) / 1000, objects: items.length };
}

log(`migration benchmark: ${TOTAL} objects, OLD 1.24 → NEW 1.34`);
const work = await mkdtemp(join(tmpdir(), 'plinth-bench-migrate-'));
const old = await startCluster({ version: 'old', nodes: 3 });
const figures: Figure[] = [];
try {
  const oldClient = await KubeClient.fromKubeConfig(old.kubeConfig, { maxSockets: 128 });
  const t = performance.now();
  const created = await populate(oldClient);
  log(`  populated ${created} objects in ${((performance.now() - t) / 1000).toFixed(1)}s`);

  // Plinth.
  let target = await startCluster({ version: 'new', nodes: 3, apiserverArgs: APISERVER_ARGS });
  let plinth: { exportS: number; importS: number; verifyS: number; objects: number };
  try {
    const client = await KubeClient.fromKubeConfig(target.kubeConfig, { maxSockets: 128 });
    log(`  NEW target kubeconfig: ${target.kubeconfigPath}`);
    const dir = join(work, 'plinth');
    // The meters read the clusters' records before their clocks start, so no phase's time includes that.
    const exportCpu = await startCpuMeter(old);
    const e0 = performance.now();
    const ex = await exportCluster({ client: oldClient, dir });
    const e1 = performance.now();
    log(`  plinth: exported ${ex.objects} in ${((e1 - e0) / 1000).toFixed(1)}s; OLD ${describeCpu(exportCpu.stop())}`);
    const importCpu = await startCpuMeter(target);
    const i0 = performance.now();
    let phase = '';
    const im = await importCluster({
      client,
      dir,
      onProgress: (p) => {
        const now = `${p.phase}${p.step ? ` ${p.step}` : ''}`;
        if (p.phase !== 'apply' && now !== phase) log(`    +${((performance.now() - i0) / 1000).toFixed(1)}s ${now}`);
        phase = now;
      },
    });
    const e2 = performance.now();
    const ic = importCpu.stop();
    log(`  plinth: imported ${im.applied} (${im.failed} failed, ${im.skipped} skipped) in ${((e2 - i0) / 1000).toFixed(1)}s; NEW ${describeCpu(ic)}`);
    log(`    NEW kube-apiserver: ${(((ic.components['kube-apiserver'] ?? 0) * 1000) / Math.max(1, im.applied)).toFixed(2)} ms CPU per applied object`);
    for (const st of im.steps) log(`    step ${st.step.padEnd(10)} ${String(st.objects).padStart(6)} objects  +${(st.startMs / 1000).toFixed(1)}s  took ${(st.durationMs / 1000).toFixed(1)}s`);
    if (im.failed > 0) throw new Error(`plinth import incomplete: ${im.failed} failed: ${JSON.stringify(im.notable.slice(0, 3))}`);
    const v = await verifyImport({ client, dir, timeoutMs: 300_000 });
    const e3 = performance.now();
    // Verification waits for the target's controllers (every Deployment's observedGeneration): not part of the transfer.
    log(`  plinth: verify ${v.ok ? 'ok' : `NOT ok (${v.missing.length} missing, ${v.workloads.notReady.length} workloads not ready)`} after ${((e3 - e2) / 1000).toFixed(1)}s`);
    plinth = { exportS: (e1 - e0) / 1000, importS: (e2 - i0) / 1000, verifyS: v.ok ? (e3 - e2) / 1000 : Number.NaN, objects: ex.objects };
    client.close();
  } finally {
    await target.stop();
  }

  // kubectl, into another fresh NEW cluster.
  let peer: { exportS: number; importS: number; objects: number } | undefined;
  if (SKIP_PEER) log('  kubectl peer skipped (BENCH_SKIP_PEER=1): no ratio in this run');
  else {
    target = await startCluster({ version: 'new', nodes: 3, apiserverArgs: APISERVER_ARGS });
    try {
      const peerCpu = await startCpuMeter(target);
      peer = await kubectlWay(old, target, work);
      log(`  kubectl: exported ${peer.objects} in ${peer.exportS.toFixed(1)}s, applied in ${peer.importS.toFixed(1)}s; NEW ${describeCpu(peerCpu.stop())} (client: kubectl get + apply)`);
    } catch (err) {
      log(`  kubectl peer failed: ${(err as Error).message}`);
    } finally {
      await target.stop();
    }
  }
  oldClient.close();

  const total = plinth.exportS + plinth.importS;
  figures.push(
    { metric: 'export', unit: 's', better: 'lower', plinth: plinth.exportS, peers: { kubectl: peer?.exportS } },
    { metric: 'import', unit: 's', better: 'lower', plinth: plinth.importS, peers: { kubectl: peer?.importS } },
    { metric: 'export + import', unit: 's', better: 'lower', plinth: total, peers: { kubectl: peer ? peer.exportS + peer.importS : undefined }, target: '≤ 60', check: (p) => p <= 60 },
    { metric: 'throughput', unit: 'objects/s', better: 'higher', plinth: plinth.objects / total, peers: { kubectl: peer ? peer.objects / (peer.exportS + peer.importS) : undefined }, target: '≥ 200', check: (p) => p >= 200 },
    { metric: 'verify (after import)', unit: 's', better: 'lower', plinth: plinth.verifyS, peers: {} },
  );
} finally {
  await old.stop();
  if (KEEP_EXPORT) log(`  export kept in ${work}/plinth (BENCH_KEEP_EXPORT=1)`);
  else await rm(work, { recursive: true, force: true });
}
const { text } = renderFigures(`migrate: ${TOTAL} objects OLD 1.24 → NEW 1.34 (plinth export+import vs kubectl get -o json + apply -f)`, figures);
process.stdout.write(text);
