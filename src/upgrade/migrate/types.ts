/**
 * Shapes of `plinth upgrade export` / `import`: the export directory's index, progress events and the
 * reports each step returns (their JSON is the CLI's `-o json` output; keep it stable).
 */

/** The index format; bump on incompatible changes. */
export const INDEX_FORMAT = 'plinth.dev/export/v1';
export const INDEX_FILE = 'index.json';
export const PROGRESS_FILE = 'import-progress.json';
export const OBJECTS_DIR = 'objects';

/** One exported object as the index records it. */
export interface IndexEntry {
  /** Relative to the export directory, e.g. `objects/apps/Deployment/shop/web.yaml`. */
  path: string;
  apiVersion: string;
  kind: string;
  /** Plural resource name on the source server. */
  resource: string;
  namespace?: string;
  name: string;
  /** sha256 of the object's canonical JSON (keys sorted) as written. */
  hash: string;
  /**
   * sha256 (hex) of the file's bytes as the export wrote them; the import refuses a file that differs
   * (see integrity.ts). Absent in exports of Plinth before 2026-12-07 and for objects whose file was not written.
   */
  sha256?: string;
  /** A workload's `spec.replicas` on the source, which verify compares with the target's. */
  replicas?: number;
  /**
   * A Service's cluster IPs on the source. They are not in the object file (it is stripped of what the
   * control plane allocated); the import asks the target for the same IPs where its service range has them.
   */
  clusterIPs?: string[];
}

/** One object the export left out on purpose (only the ones a person may wonder about). */
export interface SkippedEntry {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  reason: string;
}

/** One resource the export listed. */
export interface ExportedResource {
  apiVersion: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  count: number;
}

export interface ExportIndex {
  format: typeof INDEX_FORMAT;
  createdAt: string;
  source: { server: string; gitVersion: string; minor: number };
  includeStatus: boolean;
  /** Namespaces the export was narrowed to; absent: every namespace and every cluster-scoped object. */
  namespaces?: string[];
  resources: ExportedResource[];
  objects: IndexEntry[];
  skipped: SkippedEntry[];
  etcdSnapshot?: { path: string; bytes: number; sha256: string };
  /**
   * sha256 of the object files as a whole: of the lines `<sha256>  <path>\n` of every object in path
   * order, which is what `cd DIR && find objects -type f | LC_ALL=C sort | xargs sha256sum` prints.
   * Absent in exports of Plinth before 2026-12-07.
   */
  digest?: string;
}

export type MigratePhase = 'discover' | 'export' | 'snapshot' | 'prepare' | 'apply' | 'wait' | 'verify' | 'done';

/** Progress events for a live view: `done` of `total` in the current phase. */
export interface MigrateProgress {
  phase: MigratePhase;
  /** e.g. the resource being read or the dependency step being applied. */
  step?: string;
  done: number;
  total: number;
}

export interface ExportReport {
  dir: string;
  source: ExportIndex['source'];
  objects: number;
  resources: number;
  skipped: number;
  /** Skip reasons with their counts, e.g. `owned by a controller: 120`. */
  skippedByReason: Record<string, number>;
  durationMs: number;
  etcdSnapshot?: ExportIndex['etcdSnapshot'];
  /** The export's digest (index.json `digest`): note it to compare with the one the import reports. */
  digest: string;
}

export type ImportOutcome = 'applied' | 'unchanged' | 'skipped' | 'failed';

export interface ImportObjectResult {
  path: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  outcome: ImportOutcome;
  /** The apiVersion the target received (after conversion). */
  targetApiVersion?: string;
  reason?: string;
}

export interface ImportReport {
  dir: string;
  source: ExportIndex['source'];
  target: { server: string; gitVersion: string; minor: number };
  total: number;
  applied: number;
  /** Already applied by an earlier (interrupted) run with the same content and present on the target. */
  unchanged: number;
  skipped: number;
  failed: number;
  /** Objects not applied as they are: skipped, failed or converted to another apiVersion. */
  notable: ImportObjectResult[];
  /** Services that got their source cluster IPs back, and services the target gave new ones. */
  clusterIPs: { kept: number; reassigned: number };
  /** When each step ran (ms from the import's start): independent steps overlap. */
  steps: ImportStepTiming[];
  /** How the files were checked against the index, and what differed (applied only with --allow-modified). */
  integrity: IntegrityReport;
  durationMs: number;
}

/** The files of an export compared with its index before the import applies anything. */
export interface IntegrityReport {
  /** The export's digest recomputed from its files (equal to the index's when nothing differs). */
  digest: string;
  /** `sha256`: each file's bytes against the index; `content-hash`: an older export without file digests, each object against the index's hash of its content. */
  checkedBy: 'sha256' | 'content-hash';
  /** Files whose content is not what the index says. */
  modified: string[];
  /** Files under objects/ that the index does not list. */
  added: string[];
  /** Files the index lists that are not there. */
  removed: string[];
  /** Whether the index's own digest disagrees with the file digests it lists (index.json was edited). */
  indexModified: boolean;
  /** What a person should know (differences applied with --allow-modified, an export without digests). */
  warnings: string[];
}

export interface ImportStepTiming {
  step: string;
  objects: number;
  startMs: number;
  durationMs: number;
}

export interface WorkloadReadiness {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  desired: number;
  ready: number;
}

export interface ReplicaDifference {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  source: number;
  target: number;
}

export interface VerifyReport {
  dir: string;
  /** Objects that should exist on the target (exported and not skipped by the import). */
  expected: number;
  present: number;
  missing: Array<{ apiVersion: string; kind: string; namespace?: string; name: string }>;
  workloads: { total: number; ready: number; notReady: WorkloadReadiness[] };
  /** Workloads whose `spec.replicas` on the target is not the source's (workloads an HPA scales are not compared). */
  replicas: ReplicaDifference[];
  ok: boolean;
  durationMs: number;
}
