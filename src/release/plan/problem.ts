/**
 * A validation finding the controller shows to users (as a condition message or an event), never an exception.
 * `field` is a dotted path in the object the finding is about, e.g. `spec.template.spec.containers[0].image`
 * or `spec.topology.unitReplicas`; `message` is one sentence saying what is wrong and what to do.
 */
export interface Problem {
  field: string;
  message: string;
}

/** One line for a condition message: every problem as "field: message", joined with "; ". */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}
