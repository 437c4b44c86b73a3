import type { KubeClient } from '../../../kube/http.js';
import type { IndexEntry } from '../types.js';

/**
 * The export / import / verify steps the switch drives (src/upgrade/migrate: exportCluster,
 * importCluster, verifyImport). Passed in so that the orchestration does not depend on how they
 * report progress; bindMigrate() in ./migrate-binding.ts adapts the real ones.
 */
export interface MigrateOps {
  /**
   * `writeObject` chooses which objects get a file (default all; the index always lists every object and
   * its hash); `etcdSnapshot: false` skips the plan's etcd snapshot (a check export needs none).
   */
  exportCluster(o: {
    client: KubeClient;
    dir: string;
    includeStatus?: boolean;
    namespaces?: string[];
    writeObject?: (e: IndexEntry) => boolean;
    etcdSnapshot?: boolean;
    onProgress?: (msg: string) => void;
  }): Promise<{ summary: string }>;
  importCluster(o: { client: KubeClient; dir: string; onProgress?: (msg: string) => void }): Promise<{ summary: string }>;
  /** Resolves with a summary when every exported object exists and workloads are ready; throws otherwise. */
  verifyImport(o: { client: KubeClient; dir: string; timeoutMs?: number }): Promise<{ summary: string }>;
}
