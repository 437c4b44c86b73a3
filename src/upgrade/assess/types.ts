/**
 * The shapes of an assessment: findings (what blocks or warns), where they come from, and the report.
 * The JSON form of `Report` is documented in docs/upgrade-assess.md; change it only by adding fields, and
 * bump REPORT_SCHEMA_VERSION when a field changes meaning.
 */
import type { FieldChange } from './kb/apis.js';

export const REPORT_SCHEMA_VERSION = 1;

export type Severity = 'blocker' | 'warning' | 'info';
export const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { blocker: 0, warning: 1, info: 2 };

export type FindingCode =
  | 'removed-api'
  | 'deprecated-api'
  | 'last-applied-only'
  | 'requested-deprecated-api'
  | 'rbac-unserved-resource'
  | 'webhook-removed-version'
  | 'crd-stored-version'
  | 'crd-deprecated-version'
  | 'kubelet-skew'
  | 'dockershim'
  | 'removed-flag'
  | 'deprecated-flag'
  | 'removed-admission-plugin'
  | 'removed-feature-gate'
  | 'pdb-empty-selector'
  | 'legacy-sa-token'
  | 'parse-error'
  | 'source-error';

export type SourceKind = 'manifest' | 'helm' | 'live';

/** Which object (or client, or node) a finding is about. */
export interface Identity {
  readonly source: SourceKind;
  /** Manifests: the file (`-` for stdin) and the 1-based line of the object's apiVersion (or of the error). */
  readonly file?: string;
  readonly line?: number;
  /** Helm: the release record. */
  readonly release?: { readonly name: string; readonly namespace: string; readonly revision: number };
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** Metrics: who still calls (the metric names the resource; clients only when known). */
  readonly client?: string;
  /** Control-plane flags: which component. */
  readonly component?: string;
}

export interface Finding {
  readonly severity: Severity;
  readonly code: FindingCode;
  readonly message: string;
  readonly identity: Identity;
  /** The API version or flag the finding is about, e.g. `batch/v1beta1` or `--insecure-port`. */
  readonly subject?: string;
  readonly deprecatedIn?: string;
  readonly removedIn?: string;
  readonly replacement?: string;
  readonly fieldChanges?: readonly FieldChange[];
  readonly advice?: string;
  readonly source?: string;
}

export interface PathStep {
  /** `1.25` */
  readonly to: string;
  /** Blocking findings that must be fixed before this step (their removal happens at this minor). */
  readonly blockers: number;
  readonly notes: readonly string[];
}

export interface SuggestedPath {
  readonly strategy: 'none' | 'minor-by-minor' | 'switch' | 'unknown-current';
  readonly from?: string;
  readonly to: string;
  readonly steps: readonly PathStep[];
  readonly explanation: string;
}

export interface BehaviourNote {
  readonly id: string;
  readonly minor: string;
  readonly title: string;
  readonly action: string;
  readonly source: string;
}

export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly target: string;
  readonly current?: string;
  readonly sources: { readonly manifests: number; readonly objects: number; readonly helmReleases: number; readonly live: boolean; readonly cluster?: string };
  readonly summary: { readonly blockers: number; readonly warnings: number; readonly info: number };
  readonly findings: readonly Finding[];
  readonly path: SuggestedPath;
  readonly behaviourChanges: readonly BehaviourNote[];
  /** Inputs that could not be read or parsed (the rest was still assessed); any makes the exit code 1. */
  readonly errors: readonly InputError[];
}

export interface InputError {
  readonly source: SourceKind;
  readonly file?: string;
  readonly line?: number;
  readonly release?: { readonly name: string; readonly namespace: string; readonly revision: number };
  readonly message: string;
}
