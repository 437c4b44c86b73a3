// Integration tests of `plinth upgrade export` / `import` (src/upgrade/migrate) on real local clusters:
// an OLD 1.24 cluster with workloads written through APIs that 1.25+ no longer serve is exported,
// imported into a NEW 1.34 cluster and verified; export → import → export gives the same objects;
// a rerun changes nothing; a SIGKILLed import resumes; an older target and a bad index are refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KubeClient } from '../src/kube/http.js';
import { Discovery } from '../src/kube/discovery.js';
import { isNotFound } from '../src/kube/api-error.js';
import { CORE, type KubeObject } from '../src/kube/resource.js';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { PlinthError } from '../src/errors/index.js';
import { exportCluster, importCluster, readIndex, verifyImport, IMPORT_FIELD_MANAGER, PROGRESS_FILE, type ExportIndex } from '../src/upgrade/migrate/index.js';
import { convertObject } from '../src/upgrade/migrate/convert/index.js';
import { hashObject } from '../src/upgrade/migrate/store.js';
import { createSample } from './support/migrate-workloads.js';
import { sleep } from '../src/kube/clock.js';

type Obj = KubeObject & Record<string, unknown>;
const CLI = ['--import', 'tsx', 'src/app/cli/main.ts'];

let oldC: LocalCluster;
let newC: LocalCluster;
let oldClient: KubeClient;
let newClient: KubeClient;
let work: string;

async function readObj(dir: string, path: string): Promise<Obj> {
  return parse(await readFile(join(dir, path), 'utf8'), { version: '1.1' }) as Obj;
}

function entry(idx: ExportIndex, kind: string, name: string): ExportIndex['objects'][number] {
  const e = idx.objects.find((o) => o.kind === kind && o.name === name);
  assert.ok(e, `${kind} ${name} exported`);
  return e;
}

function runCli(args: string[], env: NodeJS.ProcessEnv = {}, command: string[] = [process.execPath, ...CLI]): { child: ReturnType<typeof spawn>; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(command[0]!, [...command.slice(1), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** What the import manager owns on an object: changes when (and only when) an apply changed something. */
async function importFingerprint(client: KubeClient, dir: string, idx: ExportIndex): Promise<Map<string, string>> {
  const d = new Discovery(client);
  const out = new Map<string, string>();
  for (const e of idx.objects) {
    const obj = await readObj(dir, e.path);
    const conv = convertObject(obj, 34);
    if (!conv.object) continue;
    const ref = await d.refFor(conv.to!, e.kind, e.namespace);
    if (!ref) continue;
    const live = await client.get<Obj>(ref, e.name);
    const mf = (live.metadata?.managedFields ?? []).filter((m) => m.manager === IMPORT_FIELD_MANAGER);
    out.set(e.path, JSON.stringify([live.metadata?.generation, mf.map((m) => [m.time, m.fieldsV1])]));
  }
  return out;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'plinth-migrate-'));
  [oldC, newC] = await Promise.all([startCluster({ version: 'old', nodes: 3 }), startCluster({ version: 'new', nodes: 3 })]);
  oldClient = await KubeClient.fromKubeConfig(oldC.kubeConfig);
  newClient = await KubeClient.fromKubeConfig(newC.kubeConfig);
  await createSample(oldClient);
  // Owner references: one to an exported custom resource, one (controller) to a pod the export leaves out.
  const blue = await oldClient.get<Obj>({ group: 'example.com', version: 'v1', plural: 'widgets', namespace: 'shop' }, 'blue');
  await oldClient.create({ ...CORE.configMaps, namespace: 'shop' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned-by-blue', ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'blue', uid: blue.metadata!.uid! }] }, data: { a: '1' } });
  let pod: Obj | undefined;
  for (let i = 0; !pod && i < 300; i++) {
    pod = (await oldClient.list<Obj>({ ...CORE.pods, namespace: 'shop' }, { labelSelector: 'app=web' })).items[0];
    if (!pod) await sleep(100);
  }
  assert.ok(pod, 'a pod of the web Deployment');
  await oldClient.create({ ...CORE.configMaps, namespace: 'shop' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned-by-pod', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: pod.metadata!.name!, uid: pod.metadata!.uid!, controller: true }] }, data: { a: '1' } });
  // API priority and fairness objects of the user's: 1.24 serves them at v1beta2 at best, 1.34 only at v1.
  const fc = { group: 'flowcontrol.apiserver.k8s.io', version: 'v1beta2' };
  await oldClient.create({ ...fc, plural: 'prioritylevelconfigurations' }, { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', kind: 'PriorityLevelConfiguration', metadata: { name: 'shop-low' }, spec: { type: 'Limited', limited: { assuredConcurrencyShares: 5, limitResponse: { type: 'Reject' } } } });
  await oldClient.create({ ...fc, plural: 'flowschemas' }, {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2',
    kind: 'FlowSchema',
    metadata: { name: 'shop-batch' },
    spec: { priorityLevelConfiguration: { name: 'shop-low' }, matchingPrecedence: 5000, distinguisherMethod: { type: 'ByUser' }, rules: [{ subjects: [{ kind: 'ServiceAccount', serviceAccount: { name: 'web', namespace: 'shop' } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'] }] }] },
  });
  // A little bulk so that a killed import has something left to do.
  await oldClient.create(CORE.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bulk' } });
  for (let i = 0; i < 300; i += 30) {
    await Promise.all(Array.from({ length: 30 }, (_, j) => oldClient.create({ ...CORE.configMaps, namespace: 'bulk' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i + j}` }, data: { n: String(i + j) } })));
  }
});

after(async () => {
  oldClient?.close();
  newClient?.close();
  await Promise.all([oldC?.stop(), newC?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('export an OLD 1.24 cluster', () => {
  test('exports workloads and configuration at preferred versions, strips what the control plane generated', async () => {
    const dir = join(work, 'old');
    const r = await exportCluster({ client: oldClient, dir });
    const idx = await readIndex(dir);
    assert.equal(idx.source.minor, 24);
    assert.equal(r.objects, idx.objects.length);
    // Preferred versions of 1.24, even for objects written through the beta versions.
    assert.equal(entry(idx, 'CronJob', 'report').apiVersion, 'batch/v1');
    assert.equal(entry(idx, 'PodDisruptionBudget', 'web').apiVersion, 'policy/v1');
    assert.equal(entry(idx, 'Widget', 'blue').apiVersion, 'example.com/v1');
    assert.equal(entry(idx, 'PodSecurityPolicy', 'shop-restricted').apiVersion, 'policy/v1beta1');
    for (const [kind, name] of [['Deployment', 'web'], ['StatefulSet', 'db'], ['DaemonSet', 'agent'], ['HorizontalPodAutoscaler', 'web'], ['Ingress', 'web'], ['CustomResourceDefinition', 'widgets.example.com'], ['Secret', 'web-secret'], ['ConfigMap', 'web-config'], ['Role', 'web-reader'], ['RoleBinding', 'web-reader'], ['ClusterRole', 'shop-node-reader'], ['ClusterRoleBinding', 'shop-node-reader'], ['ServiceAccount', 'web'], ['PersistentVolume', 'shop-pv-data'], ['PersistentVolumeClaim', 'data'], ['PriorityClass', 'shop-high'], ['StorageClass', 'shop-local'], ['Namespace', 'shop']] as const) {
      entry(idx, kind, name);
    }
    // Nothing the control plane regenerates.
    const kinds = new Set(idx.objects.map((o) => o.kind));
    for (const k of ['Pod', 'ReplicaSet', 'Node', 'Event', 'Lease', 'Endpoints', 'EndpointSlice', 'ControllerRevision']) assert.ok(!kinds.has(k), `no ${k} exported`);
    assert.ok(!idx.objects.some((o) => o.kind === 'Secret' && /-token-/.test(o.name)), 'no token secrets');
    assert.ok(!idx.objects.some((o) => o.kind === 'ConfigMap' && o.name === 'kube-root-ca.crt'), 'no kube-root-ca.crt');
    assert.ok(!idx.objects.some((o) => o.kind === 'ServiceAccount' && o.name === 'default'), 'no default service accounts');
    assert.ok(!idx.objects.some((o) => o.kind === 'Service' && o.name === 'kubernetes'), 'no default/kubernetes service');
    assert.ok(!idx.objects.some((o) => o.kind === 'ClusterRole' && o.name.startsWith('system:')), 'no bootstrap RBAC');
    assert.ok(!idx.objects.some((o) => o.kind === 'PriorityClass' && o.name.startsWith('system-')), 'no system priority classes');
    assert.ok(!idx.objects.some((o) => o.kind === 'Namespace' && ['default', 'kube-system'].includes(o.name)), 'no system namespaces');
    assert.ok(idx.skipped.some((s) => s.kind === 'ReplicaSet' && /owned by Deployment/.test(s.reason)), 'owned ReplicaSets skipped with the reason');

    const web = await readObj(dir, entry(idx, 'Service', 'web').path);
    assert.equal((web.spec as Record<string, unknown>).clusterIP, undefined, 'allocated clusterIP stripped');
    assert.equal((web.spec as Record<string, unknown>).clusterIPs, undefined);
    const webOnOld = await oldClient.get<Obj>({ ...CORE.services, namespace: 'shop' }, 'web');
    assert.deepEqual(entry(idx, 'Service', 'web').clusterIPs, [(webOnOld.spec as { clusterIP: string }).clusterIP], 'the source IP is in the index, for the import to ask for');
    assert.equal(entry(idx, 'Service', 'db').clusterIPs, undefined, 'a headless service has no IP to keep');
    const db = await readObj(dir, entry(idx, 'Service', 'db').path);
    assert.equal((db.spec as Record<string, unknown>).clusterIP, 'None', 'headless kept');
    const deploy = await readObj(dir, entry(idx, 'Deployment', 'web').path);
    for (const f of ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'generation']) assert.equal((deploy.metadata as Record<string, unknown>)[f], undefined, `metadata.${f} stripped`);
    assert.equal(deploy.status, undefined, 'status stripped');
    assert.equal(deploy.metadata?.annotations?.['deployment.kubernetes.io/revision'], undefined);
    const pvc = await readObj(dir, entry(idx, 'PersistentVolumeClaim', 'data').path);
    assert.ok(!Object.keys(pvc.metadata?.annotations ?? {}).some((a) => a.startsWith('pv.kubernetes.io/')), 'PVC bind annotations stripped');
    const pv = await readObj(dir, entry(idx, 'PersistentVolume', 'shop-pv-data').path);
    assert.equal(((pv.spec as { claimRef: Record<string, unknown> }).claimRef).uid, undefined, 'PV claimRef uid stripped');
    const cm = await readObj(dir, entry(idx, 'ConfigMap', 'web-config').path);
    const tricky = { switch: 'on', mode: '0755', at: '1:20', n: '1e3', day: '2026-12-01', none: '~', y: 'y' };
    for (const [k, v] of Object.entries(tricky)) assert.equal((cm.data as Record<string, string>)[k], v, `data.${k} stays the string ${v}`);
    // kubectl (a YAML 1.1 reader) reads the exported file as written.
    const viaKubectl = await runCli([], {}, ['kubectl', '--kubeconfig', oldC.kubeconfigPath, 'create', '--dry-run=client', '-o', 'json', '-f', join(dir, entry(idx, 'ConfigMap', 'web-config').path)]).done;
    assert.equal(viaKubectl.code, 0, viaKubectl.stderr);
    for (const [k, v] of Object.entries(tricky)) assert.equal((JSON.parse(viaKubectl.stdout) as { data: Record<string, string> }).data[k], v, `kubectl reads data.${k} as ${v}`);
    assert.equal(idx.objects.filter((o) => o.namespace === 'bulk' && o.kind === 'ConfigMap').length, 300);
    const owned = await readObj(dir, entry(idx, 'ConfigMap', 'owned-by-blue').path);
    assert.deepEqual(owned.metadata?.ownerReferences, [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'blue' }], 'owner uid stripped');
    assert.match(idx.skipped.find((x) => x.name === 'owned-by-pod')?.reason ?? '', /controlled by Pod web-.*, which is not exported/);
    assert.ok(!idx.objects.some((x) => x.name === 'owned-by-pod'));
  });

  test('an etcd v3 snapshot is saved through the maintenance API when endpoints are given', async () => {
    const dir = join(work, 'old-etcd');
    const r = await exportCluster({ client: oldClient, dir, namespaces: ['shop'], etcd: { endpoints: ['http://127.0.0.1:1', oldC.etcdEndpoint] } });
    assert.ok(r.etcdSnapshot && r.etcdSnapshot.bytes > 100_000, 'a snapshot of some size');
    const data = await readFile(join(dir, 'etcd.snapshot'));
    assert.equal(data.length, r.etcdSnapshot.bytes);
    assert.equal(data.readUInt32LE(16), 0xed0cdaed, 'a bbolt database (meta page magic)');
    assert.deepEqual((await readIndex(dir)).etcdSnapshot, r.etcdSnapshot);
    await assert.rejects(exportCluster({ client: oldClient, dir, namespaces: ['shop'], etcd: { endpoints: ['http://127.0.0.1:1'] } }), (err: unknown) => err instanceof PlinthError && err.code === 'UPGRADE_MIGRATE_ETCD_SNAPSHOT');
    // The failed export left no index (nothing to import by mistake), and exporting again into the directory works.
    await assert.rejects(readIndex(dir), /does not exist/);
    const again = await exportCluster({ client: oldClient, dir, namespaces: ['shop'] });
    assert.equal((await readIndex(dir)).objects.length, again.objects);
  });

  test('--include-status keeps status; namespaces narrow the export', async () => {
    const dir = join(work, 'old-shop');
    await exportCluster({ client: oldClient, dir, includeStatus: true, namespaces: ['shop'] });
    const idx = await readIndex(dir);
    assert.ok(idx.objects.every((o) => o.namespace === 'shop' || (o.kind === 'Namespace' && o.name === 'shop')), 'only shop');
    const deploy = await readObj(dir, entry(idx, 'Deployment', 'web').path);
    assert.ok(deploy.status, 'status kept');
  });
});

describe('import into NEW 1.34', () => {
  test('applies in dependency order, converts, skips PodSecurityPolicy with the reason, and verifies', async () => {
    const dir = join(work, 'old');
    const r = await importCluster({ client: newClient, dir });
    assert.equal(r.failed, 0, JSON.stringify(r.notable.filter((n) => n.outcome === 'failed')));
    assert.equal(r.target.minor, 34);
    const psp = r.notable.find((n) => n.kind === 'PodSecurityPolicy');
    assert.equal(psp?.outcome, 'skipped');
    assert.match(psp?.reason ?? '', /no replacement|left out/);
    assert.equal(r.applied, r.total - r.skipped);
    for (const name of ['shop-low', 'shop-batch']) {
      const conv = r.notable.find((n) => n.name === name);
      assert.equal(conv?.apiVersion, 'flowcontrol.apiserver.k8s.io/v1beta2', `${name} exported at 1.24's newest version`);
      assert.equal(conv?.targetApiVersion, 'flowcontrol.apiserver.k8s.io/v1', `${name} converted for 1.34`);
    }
    const plc = await newClient.get<Obj>({ group: 'flowcontrol.apiserver.k8s.io', version: 'v1', plural: 'prioritylevelconfigurations' }, 'shop-low');
    assert.equal((plc.spec as { limited: { nominalConcurrencyShares: number } }).limited.nominalConcurrencyShares, 5);
    const v = await verifyImport({ client: newClient, dir, timeoutMs: 90_000 });
    assert.ok(v.ok, JSON.stringify({ missing: v.missing, notReady: v.workloads.notReady }));
    assert.ok(v.workloads.total >= 3);
    // Spot checks on the target.
    const cj = await newClient.get<Obj>({ group: 'batch', version: 'v1', plural: 'cronjobs', namespace: 'shop' }, 'report');
    assert.equal((cj.spec as { schedule: string }).schedule, '0 3 * * *');
    const svc = await newClient.get<Obj>({ ...CORE.services, namespace: 'shop' }, 'db');
    assert.equal((svc.spec as { clusterIP: string }).clusterIP, 'None');
    const [webOld, webNew] = await Promise.all([oldClient, newClient].map((c) => c.get<Obj>({ ...CORE.services, namespace: 'shop' }, 'web')));
    assert.equal((webNew!.spec as { clusterIP: string }).clusterIP, (webOld!.spec as { clusterIP: string }).clusterIP, 'the service kept its cluster IP (same service range)');
    assert.ok(r.clusterIPs.kept >= 1 && r.clusterIPs.reassigned === 0, JSON.stringify(r.clusterIPs));
    const widget = await newClient.get<Obj>({ group: 'example.com', version: 'v1', plural: 'widgets', namespace: 'shop' }, 'blue');
    assert.deepEqual(widget.spec, { size: 3, color: 'blue' });
    const owned = await newClient.get<Obj>({ ...CORE.configMaps, namespace: 'shop' }, 'owned-by-blue');
    assert.equal(owned.metadata?.ownerReferences?.[0]?.uid, widget.metadata?.uid, "the owner's uid on the target");
  });

  test('rerunning the import changes nothing (with and without the progress file)', async () => {
    const dir = join(work, 'old');
    const idx = await readIndex(dir);
    const before1 = await importFingerprint(newClient, dir, idx);
    const again = await importCluster({ client: newClient, dir });
    assert.equal(again.applied, 0);
    assert.equal(again.unchanged, again.total - again.skipped);
    await rm(join(dir, PROGRESS_FILE));
    const fresh = await importCluster({ client: newClient, dir });
    assert.equal(fresh.failed, 0);
    const after1 = await importFingerprint(newClient, dir, idx);
    assert.deepEqual(after1, before1, 'server-side apply of the same content changed nothing');
  });

  test('export → import → export gives the same objects at the same versions', async () => {
    const first = join(work, 'old');
    const second = join(work, 'new');
    await exportCluster({ client: newClient, dir: second });
    const a = await readIndex(first);
    const b = await readIndex(second);
    const bByPath = new Map(b.objects.map((e) => [e.path, e]));
    const diffs: string[] = [];
    let compared = 0;
    for (const e of a.objects) {
      const src = convertObject(await readObj(first, e.path), 34);
      if (!src.object) continue; // left out by the import (PodSecurityPolicy)
      const other = bByPath.get(e.path);
      if (!other) {
        diffs.push(`missing in second export: ${e.path}`);
        continue;
      }
      const tgt = await readObj(second, other.path);
      const want = src.object as Obj;
      if (tgt.apiVersion !== want.apiVersion) {
        diffs.push(`${e.path}: apiVersion ${String(want.apiVersion)} vs ${String(tgt.apiVersion)}`);
        continue;
      }
      compared++;
      for (const d of subsetDiff(want, tgt, '')) diffs.push(`${e.path}: ${d}`);
    }
    const extra = b.objects.filter((e) => !a.objects.some((x) => x.path === e.path));
    for (const e of extra) diffs.push(`only in second export: ${e.path}`);
    assert.deepEqual(diffs, []);
    assert.ok(compared > 300);
  });
});

/** Fields of `want` that `got` lacks or holds differently (fields only in `got` are the newer server's defaults). */
function subsetDiff(want: unknown, got: unknown, at: string): string[] {
  if (want !== null && typeof want === 'object' && !Array.isArray(want)) {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return [`${at || '.'}: ${JSON.stringify(want)} vs ${JSON.stringify(got)}`];
    return Object.entries(want as Record<string, unknown>).flatMap(([k, v]) => subsetDiff(v, (got as Record<string, unknown>)[k], `${at}.${k}`));
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return [`${at}: ${JSON.stringify(want)} vs ${JSON.stringify(got)}`];
    return want.flatMap((v, i) => subsetDiff(v, got[i], `${at}[${i}]`));
  }
  return want === got ? [] : [`${at}: ${JSON.stringify(want)} vs ${JSON.stringify(got)}`];
}

describe('interruption and refusal', () => {
  test('an import killed midway (SIGKILL) completes when run again', async () => {
    const target = await startCluster({ version: 'new', nodes: 2 });
    const dir = join(work, 'old-copy');
    try {
      await exportCluster({ client: oldClient, dir });
      const argv = ['upgrade', 'import', '--kubeconfig', target.kubeconfigPath, '-d', dir, '-o', 'json', '--timeout', '90'];
      const first = runCli(argv);
      // Kill it once it has recorded some progress and before it is done.
      const progressPath = join(dir, PROGRESS_FILE);
      const deadline = Date.now() + 120_000;
      let recorded = 0;
      while (Date.now() < deadline) {
        if (existsSync(progressPath)) {
          try {
            recorded = Object.keys((JSON.parse(await readFile(progressPath, 'utf8')) as { applied: object }).applied).length;
          } catch {
            recorded = 0;
          }
          if (recorded > 0) break;
        }
        await sleep(20);
      }
      first.child.kill('SIGKILL');
      const killed = await first.done;
      assert.equal(killed.signal, 'SIGKILL', `killed midway (it had exited with ${killed.code}: ${killed.stderr})`);
      const idx = await readIndex(dir);
      assert.ok(recorded > 0 && recorded < idx.objects.length, `killed midway: ${recorded} of ${idx.objects.length} recorded`);
      const second = await runCli(argv).done;
      assert.equal(second.code, 0, second.stderr);
      const out = JSON.parse(second.stdout) as { import: { unchanged: number; applied: number; failed: number }; verify: { ok: boolean } };
      assert.ok(out.import.unchanged > 0, 'the rerun skipped what was applied');
      assert.ok(out.import.applied > 0, 'the rerun applied the rest');
      assert.equal(out.verify.ok, true);
    } finally {
      await target.stop();
    }
  });

  test('importing into an older cluster is refused before anything is written', async () => {
    await newClient.create(CORE.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'only-new' } });
    await newClient.create({ ...CORE.configMaps, namespace: 'only-new' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } });
    const dir = join(work, 'from-new');
    await exportCluster({ client: newClient, dir, namespaces: ['only-new'] });
    await assert.rejects(importCluster({ client: oldClient, dir }), (err: unknown) => err instanceof PlinthError && err.code === 'UPGRADE_MIGRATE_TARGET_OLDER' && /v1\.34\.4.*v1\.24\.17/.test(err.message));
    await assert.rejects(oldClient.get(CORE.namespaces, 'only-new'), (err: unknown) => isNotFound(err));
    assert.equal(existsSync(join(dir, PROGRESS_FILE)), false);
    const cli = await runCli(['upgrade', 'import', '--kubeconfig', oldC.kubeconfigPath, '-d', dir]).done;
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /refusing to import an export of Kubernetes v1\.34\.4 into the older v1\.24\.17.*UPGRADE_MIGRATE_TARGET_OLDER/);
  });

  test('a missing or malformed index is a clear error', async () => {
    const empty = await mkdtemp(join(work, 'empty-'));
    await assert.rejects(importCluster({ client: newClient, dir: empty }), (err: unknown) => err instanceof PlinthError && err.code === 'UPGRADE_MIGRATE_INDEX_INVALID' && /does not exist/.test(err.message));
    await writeFile(join(empty, 'index.json'), '{"format": "plinth.dev/export/v1", "objects": [');
    const cli = await runCli(['upgrade', 'import', '--kubeconfig', newC.kubeconfigPath, '-d', empty]).done;
    assert.equal(cli.code, 1);
    assert.match(cli.stderr, /index .*index\.json is unusable: not valid JSON/);
    await writeFile(join(empty, 'index.json'), JSON.stringify({ format: 'plinth.dev/export/v1', source: { minor: 24, gitVersion: 'v1.24.17', server: 'x' }, objects: [{ path: '../etc/passwd', apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', name: 'x', hash: 'h' }] }));
    await assert.rejects(importCluster({ client: newClient, dir: empty }), /leaves the export directory/);
    // A file the index names is missing.
    await writeFile(join(empty, 'index.json'), JSON.stringify({ format: 'plinth.dev/export/v1', source: { minor: 24, gitVersion: 'v1.24.17', server: 'x' }, objects: [{ path: 'objects/core/ConfigMap/a/x.yaml', apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespace: 'a', name: 'x', hash: 'h' }] }));
    // (A file the index lists and the directory lacks is a difference from the export: test/upgrade-migrate-integrity.test.ts.)
    await assert.rejects(importCluster({ client: newClient, dir: empty }), (err: unknown) => err instanceof PlinthError && err.code === 'UPGRADE_MIGRATE_EXPORT_MODIFIED' && /objects\/core\/ConfigMap\/a\/x\.yaml removed/.test(err.message));
    // Exporting into a directory holding something else is refused.
    const foreign = await mkdtemp(join(work, 'foreign-'));
    await writeFile(join(foreign, 'notes.txt'), 'mine');
    await assert.rejects(exportCluster({ client: newClient, dir: foreign }), (err: unknown) => err instanceof PlinthError && err.code === 'UPGRADE_MIGRATE_DIR_UNUSABLE');
    assert.equal(await readFile(join(foreign, 'notes.txt'), 'utf8'), 'mine');
  });

  test('a field the target does not know fails that object with the server\'s reason; the others are applied', async () => {
    // The import sends fieldValidation=Ignore (see applyWithRetry): server-side apply must still refuse unknown fields.
    const dir = await mkdtemp(join(work, 'unknown-field-'));
    const objects = [
      { name: 'known', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'known', namespace: 'default' }, data: { a: '1' } } },
      { name: 'unknown', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unknown', namespace: 'default' }, data: { a: '1' }, spec: { replicas: 2 } } },
    ];
    const entries = [];
    for (const o of objects) {
      const path = `objects/core/ConfigMap/default/${o.name}.yaml`;
      await mkdir(join(dir, 'objects/core/ConfigMap/default'), { recursive: true });
      await writeFile(join(dir, path), JSON.stringify(o.body));
      entries.push({ path, apiVersion: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespace: 'default', name: o.name, hash: hashObject(o.body) });
    }
    await writeFile(join(dir, 'index.json'), JSON.stringify({ format: 'plinth.dev/export/v1', source: { minor: 24, gitVersion: 'v1.24.17', server: 'x' }, objects: entries }));
    const r = await importCluster({ client: newClient, dir });
    assert.equal(r.applied, 1);
    assert.equal(r.failed, 1);
    const failed = r.notable.find((n) => n.outcome === 'failed');
    assert.equal(failed?.name, 'unknown');
    assert.match(failed?.reason ?? '', /\.spec: field not declared in schema/);
    await assert.rejects(newClient.get({ ...CORE.configMaps, namespace: 'default' }, 'unknown'), (err: unknown) => isNotFound(err));
    assert.deepEqual((await newClient.get<Obj>({ ...CORE.configMaps, namespace: 'default' }, 'known')).data, { a: '1' });
  });
});
