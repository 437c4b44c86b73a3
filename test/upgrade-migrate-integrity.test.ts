// Integration tests of an export's integrity and of what it carries of Plinth's own state (issue #18.5,
// ADR 0016), on real local clusters: a source with a CellDeployment released by the release controllers
// (so it has a ReleaseOrder) and a `plinth upgrade nodes` run's ConfigMap, and a fresh target.
// A tampered file is refused before anything is applied and named; --allow-modified applies it with a
// warning; verify counts the CellDeployment and fails on its replicas; ReleaseOrders are not replayed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { KubeClient } from '../src/kube/http.js';
import { isNotFound } from '../src/kube/api-error.js';
import { CORE, inNamespace, type KubeObject } from '../src/kube/resource.js';
import { parseKubeYaml } from '../src/kube/yaml.js';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { PlinthError } from '../src/errors/index.js';
import { exportCluster, importCluster, readIndex, verifyImport, IMPORT_FIELD_MANAGER, PROGRESS_FILE, type ExportIndex } from '../src/upgrade/migrate/index.js';
import { NODES_RUN_REASON, RELEASE_HISTORY_REASON } from '../src/upgrade/migrate/transient.js';
import { cdRef, cellDeployment, createService, currentOrderName, ensureNamespace, getCd, roRef, runControllersInProcess, setImage, startReleaseCluster, waitOrder, waitPhase, type ReleaseEnv } from './support/release-env.js';

type Obj = KubeObject & Record<string, unknown>;
const CLI = ['--import', 'tsx', 'src/app/cli/main.ts'];

let src: ReleaseEnv;
let dst: LocalCluster;
let dstClient: KubeClient;
let work: string;
let clean: string;
let tampered: string;
let orderName: string;
let dstControllers: { stop: () => Promise<void> } | undefined;

function entry(idx: ExportIndex, kind: string, name: string): ExportIndex['objects'][number] {
  const e = idx.objects.find((o) => o.kind === kind && o.name === name);
  assert.ok(e, `${kind} ${name} exported`);
  return e;
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'plinth-migrate-integrity-'));
  [src, dst] = await Promise.all([startReleaseCluster({ nodes: 3 }), startCluster({ version: 'new', nodes: 3, zones: 3 })]);
  dstClient = await KubeClient.fromKubeConfig(dst.kubeConfig);
  const controllers = runControllersInProcess(src.client);
  try {
    await ensureNamespace(src.client, 'shop');
    await src.client.create(inNamespace(CORE.configMaps, 'shop'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: '1' } });
    await createService(src.client, 'shop', 'web');
    await src.client.create(cdRef('shop'), cellDeployment('shop', 'web', { replicas: 3 }));
    await waitPhase(src.client, 'shop', 'web', 'Completed', 180_000);
    // A new image is a release: it leaves a ReleaseOrder (the history) behind.
    await setImage(src.client, 'shop', 'web', 'registry.local/web:2');
    orderName = await currentOrderName(src.client, 'shop', 'web');
    await waitOrder(src.client, 'shop', orderName, (o) => o.status?.phase === 'Completed', 'Completed', 180_000);
    const cd = await waitPhase(src.client, 'shop', 'web', 'Completed', 180_000);
    assert.equal(cd.status?.readyReplicas, 3);
  } finally {
    await controllers.stop();
  }
  // A `plinth upgrade nodes` run's state, as src/upgrade/nodes/store.ts writes it.
  await ensureNamespace(src.client, 'plinth-system');
  await src.client.create(inNamespace(CORE.configMaps, 'plinth-system'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plinth-upgrade-nodes-r1', labels: { 'upgrade.plinth.dev/nodes-run': 'r1' } }, data: { 'run.json': '{}', control: '' } });
  clean = join(work, 'clean');
  await exportCluster({ client: src.client, dir: clean });
});

after(async () => {
  await dstControllers?.stop();
  dstClient?.close();
  await Promise.all([src?.stop(), dst?.stop()]);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the export', () => {
  test('holds a sha256 per file and a digest of the whole export that sha256sum reproduces', async () => {
    const idx = await readIndex(clean);
    for (const e of idx.objects) assert.equal(e.sha256, createHash('sha256').update(await readFile(join(clean, e.path))).digest('hex'), e.path);
    const listing = execFileSync('sh', ['-c', 'find objects -type f | LC_ALL=C sort | xargs sha256sum | sha256sum'], { cwd: clean, encoding: 'utf8' }).split(' ')[0];
    assert.equal(idx.digest, listing);
    assert.equal(entry(idx, 'CellDeployment', 'web').replicas, 3, "the source's replicas, for verify");
  });

  test("carries Plinth's release history but not its transient state (ADR 0016)", async () => {
    const idx = await readIndex(clean);
    assert.ok(!idx.objects.some((o) => o.name === 'plinth-upgrade-nodes-r1'), 'no node-upgrade run state');
    assert.equal(idx.skipped.find((s) => s.name === 'plinth-upgrade-nodes-r1')?.reason, NODES_RUN_REASON);
    assert.ok(!idx.objects.some((o) => o.kind === 'Lease'), 'no leases (the run lock is one)');
    const order = parseKubeYaml(await readFile(join(clean, entry(idx, 'ReleaseOrder', orderName).path), 'utf8')) as Obj;
    assert.ok((order.status as { phase?: string } | undefined)?.phase, 'a ReleaseOrder keeps its status: it is history');
  });
});

describe('import of a tampered export', () => {
  test('a modified, an added and a removed file are refused before anything is applied, each named', async () => {
    tampered = join(work, 'tampered');
    await cp(clean, tampered, { recursive: true });
    const idx = await readIndex(tampered);
    const cdPath = entry(idx, 'CellDeployment', 'web').path;
    const text = await readFile(join(tampered, cdPath), 'utf8');
    assert.match(text, /^ {2}replicas: 3$/m);
    await writeFile(join(tampered, cdPath), text.replace(/^ {2}replicas: 3$/m, '  replicas: 2'));
    const added = 'objects/core/ConfigMap/shop/added.yaml';
    await writeFile(join(tampered, added), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: added\n  namespace: shop\ndata:\n  a: "1"\n');
    const removed = entry(idx, 'ConfigMap', 'cfg').path;
    await rm(join(tampered, removed));

    await assert.rejects(importCluster({ client: dstClient, dir: tampered }), (err: unknown) => {
      assert.ok(err instanceof PlinthError && err.code === 'UPGRADE_MIGRATE_EXPORT_MODIFIED', String(err));
      for (const p of [`${cdPath} modified`, `${added} added`, `${removed} removed`]) assert.ok(err.message.includes(p), `${p} in: ${err.message}`);
      return true;
    });
    await assert.rejects(dstClient.get(CORE.namespaces, 'shop'), (err: unknown) => isNotFound(err), 'nothing applied');
    await assert.rejects(dstClient.get({ group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' }, 'celldeployments.apps.plinth.dev'), (err: unknown) => isNotFound(err));
    assert.equal(existsSync(join(tampered, PROGRESS_FILE)), false);

    const cli = await runCli(['upgrade', 'import', '--kubeconfig', dst.kubeconfigPath, '-d', tampered]);
    assert.equal(cli.code, 1);
    assert.ok(cli.stderr.includes(`${cdPath} modified`), cli.stderr);
    assert.match(cli.stderr, /--allow-modified/);

    // The same export as a Plinth without file digests wrote it: checked by the content hashes its index carries.
    const older = join(work, 'older');
    await cp(tampered, older, { recursive: true });
    const { digest: _d, ...rest } = await readIndex(older);
    await writeFile(join(older, 'index.json'), JSON.stringify({ ...rest, objects: rest.objects.map(({ sha256: _s, ...e }) => e) }));
    await assert.rejects(importCluster({ client: dstClient, dir: older }), (err: unknown) => err instanceof PlinthError && err.code === 'UPGRADE_MIGRATE_EXPORT_MODIFIED' && err.message.includes(`${cdPath} modified`));
    await assert.rejects(dstClient.get(CORE.namespaces, 'shop'), (err: unknown) => isNotFound(err), 'nothing applied');
  });

  test('--allow-modified applies the files as they are, with a warning naming them; verify fails on the CellDeployment\'s replicas', async () => {
    const idx = await readIndex(tampered);
    const cdPath = entry(idx, 'CellDeployment', 'web').path;
    const r = await importCluster({ client: dstClient, dir: tampered, allowModified: true });
    assert.equal(r.failed, 0, JSON.stringify(r.notable.filter((n) => n.outcome === 'failed')));
    assert.deepEqual(r.integrity.modified, [cdPath]);
    assert.deepEqual(r.integrity.added, ['objects/core/ConfigMap/shop/added.yaml']);
    assert.ok(r.integrity.warnings.some((w) => w.includes(`${cdPath} modified`)), JSON.stringify(r.integrity.warnings));
    assert.equal((await getCd(dstClient, 'shop', 'web')).spec.replicas, 2, 'the modified file was applied');
    assert.deepEqual((await dstClient.get<Obj>(inNamespace(CORE.configMaps, 'shop'), 'added')).data, { a: '1' }, 'the added file was applied');
    const cli = await runCli(['upgrade', 'import', '--kubeconfig', dst.kubeconfigPath, '-d', tampered, '--allow-modified', '--no-verify', '-o', 'json']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stderr, new RegExp(`warning: .*--allow-modified.*${cdPath.replace(/[.]/g, '\\.')} modified`));
    assert.deepEqual((JSON.parse(cli.stdout) as { import: { integrity: { modified: string[] } } }).import.integrity.modified, [cdPath]);

    dstControllers = runControllersInProcess(dstClient);
    // (The removed ConfigMap stays missing, so verify waits its whole timeout: keep it short.)
    const v = await verifyImport({ client: dstClient, dir: tampered, timeoutMs: 15_000 });
    assert.equal(v.ok, false);
    assert.deepEqual(v.replicas.map((d) => [d.kind, d.namespace, d.name, d.source, d.target]), [['CellDeployment', 'shop', 'web', 3, 2]]);
    assert.deepEqual(v.missing.map((m) => m.name), ['cfg']);
  });
});

describe('import of the untouched export', () => {
  test('imports and verifies, the CellDeployment counted as a workload; ReleaseOrders are not replayed', async () => {
    const r = await importCluster({ client: dstClient, dir: clean });
    assert.equal(r.failed, 0, JSON.stringify(r.notable.filter((n) => n.outcome === 'failed')));
    assert.deepEqual([r.integrity.modified, r.integrity.added, r.integrity.removed, r.integrity.warnings], [[], [], [], []]);
    assert.equal(r.integrity.digest, (await readIndex(clean)).digest);
    const order = r.notable.find((n) => n.kind === 'ReleaseOrder' && n.name === orderName);
    assert.deepEqual([order?.outcome, order?.reason], ['skipped', RELEASE_HISTORY_REASON]);
    const onTarget = await dstClient.get<Obj>(roRef('shop'), orderName).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    assert.ok(!onTarget?.metadata?.managedFields?.some((m) => m.manager === IMPORT_FIELD_MANAGER), 'the import wrote no ReleaseOrder');
    await assert.rejects(dstClient.get(inNamespace(CORE.configMaps, 'plinth-system'), 'plinth-upgrade-nodes-r1'), (err: unknown) => isNotFound(err));

    const v = await verifyImport({ client: dstClient, dir: clean, timeoutMs: 90_000 });
    assert.ok(v.ok, JSON.stringify({ missing: v.missing, notReady: v.workloads.notReady, replicas: v.replicas }));
    assert.ok(v.workloads.total >= 1);
    assert.equal((await getCd(dstClient, 'shop', 'web')).status?.readyReplicas, 3, 'the CellDeployment was counted and waited for');
  });
});
