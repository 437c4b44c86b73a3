/**
 * Switch-style migration's data path: export a cluster's workloads and configuration to a directory,
 * import them into another (newer) cluster, and verify the result. See docs/upgrade-migrate.md.
 *
 *   exportCluster({ client, dir, includeStatus?, namespaces?, etcd?, onProgress? }): Promise<ExportReport>
 *   importCluster({ client, dir, onProgress? }): Promise<ImportReport>
 *   verifyImport({ client, dir, timeoutMs?, onProgress? }): Promise<VerifyReport>
 */
export { exportCluster, type ExportOptions } from './export.js';
export { importCluster, checkTargetVersion, IMPORT_FIELD_MANAGER, type ImportOptions } from './import.js';
export { verifyImport, type VerifyOptions } from './verify.js';
export { readIndex } from './store.js';
export type { EtcdSnapshotOptions, EtcdSnapshotResult } from './etcd-snapshot.js';
export * from './types.js';
