/**
 * The CLI side of `plinth upgrade export` and `plinth upgrade import`: flags validated, progress on a
 * TTY (plain lines otherwise, on stderr), and the final report as a table or JSON on stdout.
 */
import { existsSync } from 'node:fs';
import type { GlobalOptions } from '../context.js';
import { openClient } from '../../../kube/client.js';
import { renderTable } from '../../../term/output.js';
import { progress } from '../../../term/progress.js';
import { PlinthError } from '../../../errors/index.js';
import { KubeClient } from '../../../kube/http.js';
import { exportCluster } from '../../../upgrade/migrate/export.js';
import { importCluster } from '../../../upgrade/migrate/import.js';
import { verifyImport } from '../../../upgrade/migrate/verify.js';
import type { ExportReport, ImportReport, MigrateProgress, VerifyReport } from '../../../upgrade/migrate/types.js';
import { differences } from '../../../upgrade/migrate/integrity.js';

export interface ExportFlags {
  dir: string;
  includeStatus: boolean;
  etcdEndpoints?: string;
  etcdCacert?: string;
  etcdCert?: string;
  etcdKey?: string;
}

export interface ImportFlags {
  dir: string;
  verify: boolean;
  /** Seconds. */
  timeout: number;
  /** --new-cluster-ips: do not ask for the source's cluster IPs. */
  newClusterIps?: boolean;
  /** --allow-modified: apply files that differ from the index instead of refusing. */
  allowModified?: boolean;
}

function jsonOrTable(g: GlobalOptions): 'json' | 'table' {
  if (g.output === 'json' || g.output === 'table') return g.output;
  throw new PlinthError('INVALID_ARGUMENT', { what: '--output', detail: `"${g.output}" is not supported here`, fix: 'use -o table or -o json' });
}

async function client(g: GlobalOptions): Promise<KubeClient> {
  return (await openClient(g, { requestTimeoutMs: 60_000, userAgent: 'plinth-cli/upgrade-migrate' })).client;
}

function describe(p: MigrateProgress): string {
  const step = p.step ? ` ${p.step}` : '';
  if (p.phase === 'export') return `exporting: ${p.done} objects read (${p.step ?? ''})`;
  return `${p.phase}${step}: ${p.done}/${p.total}`;
}

function fileExists(flag: string, path: string | undefined): void {
  if (path !== undefined && !existsSync(path)) throw new PlinthError('INVALID_ARGUMENT', { what: flag, detail: `${path} does not exist`, fix: `give ${flag} a readable file` });
}

export async function runExport(g: GlobalOptions, f: ExportFlags): Promise<number> {
  const format = jsonOrTable(g);
  if (!f.dir) throw new PlinthError('INVALID_ARGUMENT', { what: '-d/--dir', detail: 'missing', fix: 'name the directory to export into, e.g. -d ./export' });
  const namespaces = g.namespace ? g.namespace.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;
  const endpoints = f.etcdEndpoints?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (!endpoints && (f.etcdCacert || f.etcdCert || f.etcdKey)) {
    throw new PlinthError('INVALID_ARGUMENT', { what: '--etcd-cacert/--etcd-cert/--etcd-key', detail: 'given without --etcd-endpoints', fix: 'add --etcd-endpoints https://HOST:2379' });
  }
  for (const ep of endpoints ?? []) {
    if (!/^https?:\/\/[^/]+/.test(ep)) throw new PlinthError('INVALID_ARGUMENT', { what: '--etcd-endpoints', detail: `"${ep}" is not a URL`, fix: 'use https://HOST:2379 (http:// for a plain-text local etcd)' });
  }
  fileExists('--etcd-cacert', f.etcdCacert);
  fileExists('--etcd-cert', f.etcdCert);
  fileExists('--etcd-key', f.etcdKey);
  const c = await client(g);
  const bar = progress(process.stderr, format === 'json' && !process.stderr.isTTY);
  try {
    const r = await exportCluster({
      client: c,
      dir: f.dir,
      includeStatus: f.includeStatus,
      ...(namespaces ? { namespaces } : {}),
      ...(endpoints ? { etcd: { endpoints, cacert: f.etcdCacert, cert: f.etcdCert, key: f.etcdKey } } : {}),
      onProgress: (p) => bar.update(describe(p)),
    });
    bar.done(`exported ${r.objects} objects in ${(r.durationMs / 1000).toFixed(1)}s`);
    process.stdout.write(format === 'json' ? JSON.stringify(r, null, 2) + '\n' : renderExport(r));
    return 0;
  } catch (err) {
    bar.fail('export failed');
    throw err;
  } finally {
    c.close();
  }
}

export async function runImport(g: GlobalOptions, f: ImportFlags): Promise<number> {
  const format = jsonOrTable(g);
  if (!f.dir) throw new PlinthError('INVALID_ARGUMENT', { what: '-d/--dir', detail: 'missing', fix: 'name the directory written by `plinth upgrade export`' });
  const c = await client(g);
  const bar = progress(process.stderr, format === 'json' && !process.stderr.isTTY);
  try {
    const imported = await importCluster({ client: c, dir: f.dir, keepClusterIps: f.newClusterIps !== true, allowModified: f.allowModified === true, onProgress: (p) => bar.update(describe(p)) });
    for (const w of imported.integrity.warnings) process.stderr.write(`warning: ${w}\n`);
    let verified: VerifyReport | undefined;
    if (f.verify && imported.failed === 0) verified = await verifyImport({ client: c, dir: f.dir, timeoutMs: f.timeout * 1000, onProgress: (p) => bar.update(describe(p)) });
    const ok = imported.failed === 0 && (verified?.ok ?? true);
    if (ok) bar.done(`imported ${imported.applied + imported.unchanged} objects${verified ? ', verified' : ''}`);
    else bar.fail('import incomplete');
    process.stdout.write(format === 'json' ? JSON.stringify({ import: imported, verify: verified ?? null }, null, 2) + '\n' : renderImport(imported) + (verified ? renderVerify(verified) : ''));
    if (imported.failed > 0) {
      const first = imported.notable.find((n) => n.outcome === 'failed');
      const e = new PlinthError('UPGRADE_MIGRATE_IMPORT_INCOMPLETE', { failed: imported.failed, total: imported.total, first: first ? `${first.kind} ${first.namespace ? `${first.namespace}/` : ''}${first.name}: ${first.reason ?? ''}` : '?' });
      process.stderr.write(e.userLine() + '\n');
      return e.exitCode;
    }
    if (verified && !verified.ok) {
      const diff = verified.replicas[0];
      const replicas = diff ? `, ${verified.replicas.length} workloads with other replicas than the source (first: ${diff.kind} ${diff.namespace}/${diff.name}: ${diff.target} on the target, ${diff.source} on the source)` : '';
      const e = new PlinthError('UPGRADE_MIGRATE_VERIFY_FAILED', { detail: `${verified.missing.length} objects missing, ${verified.workloads.notReady.length} workloads not ready after ${f.timeout}s${replicas}` });
      process.stderr.write(e.userLine() + '\n');
      return e.exitCode;
    }
    return 0;
  } catch (err) {
    bar.fail('import failed');
    throw err;
  } finally {
    c.close();
  }
}

export function renderExport(r: ExportReport): string {
  const rows = Object.entries(r.skippedByReason).sort((a, b) => b[1] - a[1]);
  return (
    `Exported ${r.objects} objects of ${r.resources} resources from ${r.source.gitVersion} to ${r.dir} in ${(r.durationMs / 1000).toFixed(1)}s` +
    (r.etcdSnapshot ? `; etcd snapshot ${r.etcdSnapshot.path} (${r.etcdSnapshot.bytes} bytes)` : '') +
    `\nDigest: sha256:${r.digest} (the import prints the digest of what it reads)\n` +
    (rows.length > 0 ? `\nLeft out (${r.skipped}):\n` + renderTable(rows, [{ header: 'reason', value: (x) => x[0] }, { header: 'objects', value: (x) => x[1] }]) : '')
  );
}

export function renderImport(r: ImportReport): string {
  const head = `Imported ${r.dir} (${r.source.gitVersion}) into ${r.target.gitVersion} at ${r.target.server} in ${(r.durationMs / 1000).toFixed(1)}s: ${r.applied} applied, ${r.unchanged} already applied, ${r.skipped} skipped, ${r.failed} failed\n` +
    (r.clusterIPs.kept + r.clusterIPs.reassigned > 0 ? `Services: ${r.clusterIPs.kept} kept their cluster IPs, ${r.clusterIPs.reassigned} got new ones\n` : '') +
    `Export digest: sha256:${r.integrity.digest}${differences(r.integrity).length > 0 ? ` (differs from the index: ${differences(r.integrity).length} files)` : ''}\n`;
  const steps =
    r.steps.length > 1
      ? '\n' +
        renderTable(r.steps, [
          { header: 'step', value: (t) => t.step },
          { header: 'objects', value: (t) => String(t.objects) },
          { header: 'started', value: (t) => `+${(t.startMs / 1000).toFixed(1)}s` },
          { header: 'took', value: (t) => `${(t.durationMs / 1000).toFixed(1)}s` },
        ])
      : '';
  if (r.notable.length === 0) return head + steps;
  return (
    head +
    steps +
    '\n' +
    renderTable(r.notable, [
      { header: 'outcome', value: (n) => (n.outcome === 'applied' || n.outcome === 'unchanged' ? 'converted' : n.outcome) },
      { header: 'kind', value: (n) => n.kind },
      { header: 'name', value: (n) => `${n.namespace ? `${n.namespace}/` : ''}${n.name}` },
      { header: 'from', value: (n) => n.apiVersion },
      { header: 'to', value: (n) => n.targetApiVersion },
      { header: 'reason', value: (n) => n.reason },
    ])
  );
}

export function renderVerify(v: VerifyReport): string {
  let out = `\nVerify: ${v.present}/${v.expected} objects present, ${v.workloads.ready}/${v.workloads.total} workloads ready — ${v.ok ? 'OK' : 'NOT OK'}\n`;
  if (v.missing.length > 0) out += '\nMissing:\n' + renderTable(v.missing.slice(0, 50), [{ header: 'kind', value: (m) => m.kind }, { header: 'name', value: (m) => `${m.namespace ? `${m.namespace}/` : ''}${m.name}` }]);
  if (v.replicas.length > 0) {
    out += '\nReplicas differ from the source:\n' + renderTable(v.replicas.slice(0, 50), [{ header: 'kind', value: (w) => w.kind }, { header: 'name', value: (w) => `${w.namespace}/${w.name}` }, { header: 'source', value: (w) => String(w.source) }, { header: 'target', value: (w) => String(w.target) }]);
  }
  if (v.workloads.notReady.length > 0) {
    out += '\nNot ready:\n' + renderTable(v.workloads.notReady.slice(0, 50), [{ header: 'kind', value: (w) => w.kind }, { header: 'name', value: (w) => `${w.namespace}/${w.name}` }, { header: 'ready', value: (w) => `${w.ready}/${w.desired}` }]);
  }
  return out;
}
