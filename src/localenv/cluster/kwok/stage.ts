/** Builders for kwok `Stage` documents (kwok.x-k8s.io/v1alpha1), kept as plain objects. */

/**
 * A selector requirement: a CEL expression that must be true. kwok evaluates CEL on the typed object
 * (json field names; absent fields read as their zero value, `has()` tests presence). Our stages use
 * no jq at all: with any jq requirement kwok converts every event's object to generic JSON first,
 * which with 10,000 pods was the larger part of its matching cost (ADR 0012).
 */
export interface CelRequirement {
  cel: { expression: string };
}

export interface StageDoc {
  apiVersion: 'kwok.x-k8s.io/v1alpha1';
  kind: 'Stage';
  metadata: { name: string };
  spec: {
    resourceRef: { apiGroup: 'v1'; kind: 'Pod' | 'Node' };
    selector: { matchExpressions: CelRequirement[] };
    weight?: number;
    delay?: { durationMilliseconds: number; jitterDurationMilliseconds?: number };
    next: {
      event?: { type: 'Normal' | 'Warning'; reason: string; message: string };
      delete?: boolean;
      patches?: { subresource: 'status'; root: 'status' | ''; template: string }[];
    };
  };
}

/** A requirement from a CEL expression. */
export const when = (expression: string): CelRequirement => ({ cel: { expression } });

/** CEL: the negation of `expr`. */
export const not = (expr: string): string => `!(${expr})`;

/** A Go template from lines (kwok renders it to YAML, then JSON). */
export const tpl = (lines: readonly string[]): string => lines.join('\n');

export function stage(
  kind: 'Pod' | 'Node',
  name: string,
  matchExpressions: CelRequirement[],
  next: StageDoc['spec']['next'],
  delayMs?: number,
  jitterMs?: number,
): StageDoc {
  const doc: StageDoc = {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: { resourceRef: { apiGroup: 'v1', kind }, selector: { matchExpressions }, next },
  };
  if (delayMs !== undefined && (delayMs > 0 || (jitterMs ?? 0) > 0)) {
    doc.spec.delay = { durationMilliseconds: delayMs };
    if (jitterMs !== undefined) doc.spec.delay.jitterDurationMilliseconds = jitterMs;
  }
  return doc;
}

/** A status patch (strategic merge for pods and nodes: conditions merge by type). */
export const statusPatch = (template: string): NonNullable<StageDoc['spec']['next']['patches']>[number] => ({
  subresource: 'status',
  root: 'status',
  template,
});

/**
 * A status patch that only applies to the object kwok computed it from: the patch carries the object's
 * resourceVersion, so the API server answers 409 Conflict if anything changed in between (kwok does not
 * retry a conflict; the newer object's watch event re-evaluates the stages). Without it, a stage computed
 * from a stale view (Ready from a readiness gate that has flipped since) could overwrite newer facts; the
 * real kubelet's status manager likewise merges its conditions into the latest pod it fetched.
 */
export const guardedStatusPatch = (template: string): NonNullable<StageDoc['spec']['next']['patches']>[number] => ({
  subresource: 'status',
  root: '',
  template: [
    'metadata:',
    '  resourceVersion: {{ .metadata.resourceVersion | Quote }}',
    'status:',
    ...template.split('\n').map((l) => `  ${l}`),
  ].join('\n'),
});
