import { PlinthError } from '../../../errors/index.js';
import { exportCluster, importCluster, verifyImport, type EtcdSnapshotOptions, type MigrateProgress } from '../index.js';
import type { MigrateOps } from './ops.js';

/** Progress events as log lines, only when the step changes or every 10% (phase logs stay short). */
function progressLines(onLine?: (m: string) => void): (p: MigrateProgress) => void {
  let last = '';
  let lastPct = -1;
  return (p) => {
    if (!onLine) return;
    const key = `${p.phase} ${p.step ?? ''}`;
    const pct = p.total > 0 ? Math.floor((p.done / p.total) * 10) : 0;
    if (key === last && pct === lastPct) return;
    last = key;
    lastPct = pct;
    onLine(`${p.phase}${p.step ? ` ${p.step}` : ''}: ${p.done}/${p.total}`);
  };
}

/** The real export / import / verify of src/upgrade/migrate, with their reports turned into one-line summaries. */
export function bindMigrate(etcd?: EtcdSnapshotOptions): MigrateOps {
  return {
    exportCluster: async (o) => {
      const r = await exportCluster({ client: o.client, dir: o.dir, includeStatus: o.includeStatus, ...(o.namespaces ? { namespaces: o.namespaces } : {}), ...(o.writeObject ? { writeObject: o.writeObject } : {}), ...(etcd && o.etcdSnapshot !== false ? { etcd } : {}), onProgress: progressLines(o.onProgress) });
      const snap = r.etcdSnapshot ? `; etcd snapshot ${(r.etcdSnapshot.bytes / 1e6).toFixed(1)} MB` : '';
      return { summary: `exported ${r.objects} objects of ${r.resources} resources from ${r.source.gitVersion}, skipped ${r.skipped}${snap}` };
    },
    importCluster: async (o) => {
      const r = await importCluster({ client: o.client, dir: o.dir, onProgress: progressLines(o.onProgress) });
      if (r.failed > 0) {
        const first = r.notable.find((n) => n.outcome === 'failed');
        throw new PlinthError('UPGRADE_MIGRATE_IMPORT_INCOMPLETE', {
          failed: r.failed,
          total: r.total,
          first: first ? `${first.kind} ${first.namespace ? `${first.namespace}/` : ''}${first.name}: ${first.reason ?? ''}` : 'unknown',
        });
      }
      const converted = r.notable.filter((n) => n.targetApiVersion && n.targetApiVersion !== n.apiVersion).length;
      return { summary: `imported ${r.total} objects into ${r.target.gitVersion}: ${r.applied} applied, ${r.unchanged} unchanged, ${r.skipped} skipped, ${converted} converted` };
    },
    verifyImport: async (o) => {
      const r = await verifyImport({ client: o.client, dir: o.dir, ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) });
      if (!r.ok) {
        const miss = r.missing.slice(0, 3).map((m) => `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`);
        const nr = r.workloads.notReady.slice(0, 3).map((w) => `${w.kind} ${w.namespace}/${w.name} ${w.ready}/${w.desired}`);
        throw new PlinthError('UPGRADE_MIGRATE_VERIFY_FAILED', {
          detail:
            `${r.missing.length} of ${r.expected} objects missing${miss.length ? ` (${miss.join(', ')})` : ''}; ${r.workloads.notReady.length} workloads not ready${nr.length ? ` (${nr.join(', ')})` : ''}` +
            (r.replicas.length > 0 ? `; ${r.replicas.length} with other replicas than the source (${r.replicas.slice(0, 3).map((d) => `${d.kind} ${d.namespace}/${d.name} ${d.target} instead of ${d.source}`).join(', ')})` : ''),
        });
      }
      return { summary: `${r.present}/${r.expected} objects present; ${r.workloads.ready}/${r.workloads.total} workloads ready` };
    },
  };
}
