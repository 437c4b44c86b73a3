/** The shape of a removed-API entry of the knowledge base (apis.ts, apis-prerelease.ts). */

export interface FieldChange {
  /** Dotted path in the old version, e.g. `spec.rules[].http.paths[].backend.serviceName`. */
  readonly from: string;
  /** Where it goes (or what replaces it) in the new version; empty when the field is simply gone. */
  readonly to: string;
  /** What the conversion does and what a person must know. */
  readonly note: string;
}

export interface RemovedApi {
  /** Group/version as written in manifests: `extensions/v1beta1`, `batch/v1beta1`. */
  readonly apiVersion: string;
  readonly kind: string;
  /** Plural resource (RBAC rules, webhook rules and the deprecated-API metric name resources). */
  readonly resource: string;
  readonly deprecatedIn: number;
  /** First minor that no longer serves it. */
  readonly removedIn: number;
  /** The version to move to, with the minor that first served it; null: no replacement. */
  readonly replacement: { readonly apiVersion: string; readonly kind: string; readonly since: number } | null;
  /**
   * Versions to move to while the replacement is not served yet, each served from `since` up to (not
   * including) `until`: a finding names the one the target serves (see replacement.ts).
   */
  readonly interim?: readonly { readonly apiVersion: string; readonly kind: string; readonly since: number; readonly until: number }[];
  readonly fieldChanges: readonly FieldChange[];
  /** Guidance when there is no replacement or the move needs a decision. */
  readonly advice?: string;
  readonly source: string;
}
