import type { Plan } from './plan.js';
import type { Operation, RunState } from './state.js';

export type StartDecision =
  | { kind: 'fresh'; archive?: RunState }
  | { kind: 'resume'; state: RunState }
  | { kind: 'refuse'; detail: string; fix: string };

export const switchCommand = (plan: Pick<Plan, 'file'>): string => `plinth upgrade switch --plan ${plan.file}`;
export const rollbackCommand = (plan: Pick<Plan, 'file'>): string => `plinth upgrade rollback --plan ${plan.file}`;

const failedPhase = (st: RunState): string => st.error?.phase ?? st.phases.find((p) => p.status !== 'done')?.name ?? 'unknown';

/**
 * What a new `switch` or `rollback` does given the state file left by the last run (pure):
 * start afresh, resume a stopped switch where it stopped, or refuse with the reason and the fix.
 * `alive(pid)` tells whether the process recorded as running still exists.
 */
export function decideStart(existing: RunState | undefined, op: Operation, plan: Pick<Plan, 'file' | 'digest'>, alive: (pid: number) => boolean): StartDecision {
  if (!existing) return { kind: 'fresh' };
  if (existing.status === 'running' && existing.pid !== process.pid && alive(existing.pid)) {
    return {
      kind: 'refuse',
      detail: `a ${existing.operation} with this work directory is running (pid ${existing.pid}, phase ${failedPhase(existing)})`,
      fix: 'wait for it to finish, or stop that process first',
    };
  }
  if (op === 'rollback') return { kind: 'fresh', archive: existing };
  if (existing.operation === 'rollback') {
    if (existing.status === 'done') return { kind: 'fresh', archive: existing };
    return {
      kind: 'refuse',
      detail: `the last rollback stopped in phase ${failedPhase(existing)}; the old control plane may not be serving`,
      fix: `finish it first: ${rollbackCommand(plan)}`,
    };
  }
  if (existing.status === 'done') {
    return {
      kind: 'refuse',
      detail: `this plan's switch already completed at ${existing.updatedAt}; the new control plane serves`,
      fix: `to go back run ${rollbackCommand(plan)}; to switch again use a new workDir`,
    };
  }
  if (existing.planDigest !== plan.digest) {
    return {
      kind: 'refuse',
      detail: `the plan changed since the switch stopped in phase ${failedPhase(existing)}`,
      fix: `restore the plan it ran with (${existing.planFile}), or roll back with ${rollbackCommand(plan)}`,
    };
  }
  return { kind: 'resume', state: existing };
}
