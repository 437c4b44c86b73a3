import type { ReleasePolicy, ReleasePolicySpecT } from '../../api/index.js';
import type { Condition } from '../../kube/status.js';
import { blackoutProblems, formatProblems, type Problem } from '../plan/index.js';

export const VALID = 'Valid';
const MAX_MESSAGE = 2000;

/**
 * Everything wrong with a ReleasePolicy that its CRD schema cannot refuse: blackout windows (cron expressions,
 * time zones, times) and the parameters' imagePattern. Each problem names the field and the value given.
 */
export function policyProblems(spec: ReleasePolicySpecT): Problem[] {
  const problems = blackoutProblems(spec.preChecks?.blackoutWindows ?? []);
  const pattern = spec.preChecks?.parameters?.imagePattern;
  if (pattern !== undefined && pattern !== '') {
    try {
      new RegExp(pattern);
    } catch (err) {
      problems.push({
        field: 'spec.preChecks.parameters.imagePattern',
        message: `${JSON.stringify(pattern)} is not a valid regular expression (${(err as Error).message}); write a JavaScript regular expression`,
      });
    }
  }
  return problems;
}

/** The policy's Valid condition: False with every problem and what it does to releases, or True. */
export function validCondition(policy: ReleasePolicy): Condition & { reason: string; message: string } {
  const problems = policyProblems(policy.spec);
  if (problems.length === 0) return { type: VALID, status: 'True', reason: 'Valid', message: 'every field of the policy is valid' };
  const message = `fix the policy: ${formatProblems(problems)}; until then every release it selects is Blocked`;
  return { type: VALID, status: 'False', reason: 'InvalidPolicy', message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message };
}
