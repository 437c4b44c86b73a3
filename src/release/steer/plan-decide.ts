import type { ReleasePlan } from '../../api/index.js';
import { PlinthError } from '../../errors/index.js';
import type { ReleaseAction } from './decide.js';

/** What an action on a plan sets in its spec, and the line that says so. */
export interface PlanDecision {
  set: { confirmedStages?: number; paused?: boolean; rollback?: boolean } | undefined;
  /** 0-based index of the stage concerned. */
  stage: number | undefined;
  message: string;
}

const FINISHED = new Set(['Completed', 'RolledBack']);

function refuse(plan: ReleasePlan, action: ReleaseAction, detail: string, fix: string): PlinthError {
  return new PlinthError('RELEASE_PLAN_ACTION_REFUSED', { action, namespace: plan.metadata.namespace ?? '', plan: plan.metadata.name ?? '', detail, fix });
}

/**
 * Pure: what an action on a plan sets. confirm: the stage that waits (stage i starts once
 * spec.confirmedStages >= i); pause/resume: spec.paused; rollback: spec.rollback (never withdrawn). Refuses
 * (RELEASE_PLAN_ACTION_REFUSED) what cannot be done, with what to do instead; nothing to do when the plan
 * already is that way.
 */
export function decidePlanAction(plan: ReleasePlan, action: ReleaseAction, ref: string): PlanDecision {
  const phase = plan.status?.phase ?? 'Pending';
  const stages = plan.status?.stages ?? [];
  const stage = plan.status?.currentStage;
  switch (action) {
    case 'confirm': {
      if (FINISHED.has(phase)) throw refuse(plan, action, `the plan is ${phase}`, `nothing is left to confirm; see \`plinth release plan status ${ref}\``);
      if (plan.spec.rollback) throw refuse(plan, action, 'a rollback was requested', 'a rollback cannot be cancelled');
      const waiting = stages.find((s) => s.phase === 'WaitingForConfirm');
      if (!waiting) {
        throw refuse(plan, action, `no stage waits for confirmation (${phase}${stage !== undefined ? `, stage ${stage + 1} of ${stages.length}` : ''})`, `wait until one does (\`plinth release plan status ${ref}\`)`);
      }
      const confirmed = plan.spec.confirmedStages ?? 0;
      if (waiting.index <= confirmed) return { set: undefined, stage: waiting.index, message: `stage ${waiting.index + 1} is already confirmed; the controller starts it shortly` };
      const when = plan.spec.paused ? 'it starts once the plan is resumed' : 'it starts now';
      return { set: { confirmedStages: waiting.index }, stage: waiting.index, message: `confirmed stage ${waiting.index + 1} of ${stages.length} (${waiting.apps.join(', ')}): spec.confirmedStages ${confirmed} → ${waiting.index}; ${when}` };
    }
    case 'pause':
    case 'resume': {
      const pause = action === 'pause';
      if (FINISHED.has(phase)) throw refuse(plan, action, `the plan is ${phase}`, 'only a plan in progress can be paused or resumed');
      if ((plan.spec.paused === true) === pause) return { set: undefined, stage, message: pause ? 'the plan is already paused' : 'the plan is not paused' };
      return pause
        ? { set: { paused: true }, stage, message: 'paused: no app starts, and the running apps\' releases are paused, until `plinth release plan resume`' }
        : { set: { paused: false }, stage, message: 'resumed: the plan and the app releases it paused go on' };
    }
    case 'rollback': {
      if (phase === 'RolledBack') return { set: undefined, stage, message: 'the plan is already rolled back' };
      if (plan.spec.rollback) return { set: undefined, stage, message: 'a rollback was already requested' };
      const startedApps = (plan.status?.apps ?? []).filter((a) => a.phase !== 'Pending').map((a) => a.name);
      const what = startedApps.length === 0 ? 'no app has started: the plan stops and nothing changes' : `${startedApps.join(', ')} return to their images from before the plan, the last released first, each drained like its own release`;
      return { set: { rollback: true }, stage, message: `rollback requested: ${what}. This cannot be cancelled` };
    }
  }
}
