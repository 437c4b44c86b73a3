import type { ReleasePolicy, ReleasePolicySpecT } from '../../api/index.js';
import { clipMessage, type Condition } from '../../kube/status.js';
import { blackoutProblems, formatProblems, type Problem } from '../plan/index.js';
import { imagePatternProblem } from '../plan/params.js';

export const VALID = 'Valid';
const MAX_MESSAGE = 2000;

/**
 * Everything wrong with a ReleasePolicy that its CRD schema cannot refuse: blackout windows (cron expressions,
 * time zones, times) and the parameters' imagePattern. Each problem names the field and the value given.
 */
export function policyProblems(spec: ReleasePolicySpecT): Problem[] {
  const problems = blackoutProblems(spec.preChecks?.blackoutWindows ?? []);
  const pattern = spec.preChecks?.parameters?.imagePattern;
  const bad = pattern ? imagePatternProblem(pattern) : undefined;
  if (bad) problems.push(bad);
  return problems;
}

/** The policy's Valid condition: False with every problem and what it does to releases, or True. */
export function validCondition(policy: ReleasePolicy): Condition & { reason: string; message: string } {
  const problems = policyProblems(policy.spec);
  if (problems.length === 0) return { type: VALID, status: 'True', reason: 'Valid', message: 'every field of the policy is valid' };
  const message = `fix the policy: ${formatProblems(problems)}; until then every release it selects is Blocked`;
  return { type: VALID, status: 'False', reason: 'InvalidPolicy', message: clipMessage(message, MAX_MESSAGE) };
}
