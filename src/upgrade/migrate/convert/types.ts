/** A Kubernetes object as parsed from a manifest. */
export type Obj = Record<string, unknown>;

/** What one conversion step (one apiVersion to the next) produced. */
export interface Step {
  /** The converted object; null when it cannot exist at the target (left out). */
  readonly object: Obj | null;
  /** What was changed, one line each (`spec.backend -> spec.defaultBackend`). */
  readonly changes: string[];
  /** What a person must know or do, one line each. */
  readonly warnings: string[];
}

/**
 * Converts an object of one removed apiVersion to `to` (the replacement's apiVersion, or an intermediate
 * one when the replacement is not served yet at the target). Pure: never mutates its input.
 */
export type Converter = (obj: Obj, to: string) => Step;
