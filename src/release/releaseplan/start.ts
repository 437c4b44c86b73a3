import type { PlanStageT, ReleasePlan } from '../../api/index.js';
import { setCondition } from '../../kube/status.js';
import { planStages } from './stages.js';
import { PLAN_CONDITIONS, type AppObs, type DecideInput, type PlanStatus, type Say } from './types.js';

type StatusCondition = NonNullable<PlanStatus['conditions']>[number];

/** The reason of Valid=False for each problem of the dependencies. */
const REASONS = { cycle: 'DependencyCycle', unknownDependency: 'UnknownDependency', duplicate: 'DuplicateApp' } as const;

/** Whether any app of the plan was touched (its images recorded or set): the plan has started. */
export function started(s: PlanStatus): boolean {
  return (s.apps ?? []).some((a) => a.phase !== 'Pending');
}

export function condition(s: PlanStatus, type: string, status: 'True' | 'False', reason: string, message: string, now: Date): void {
  s.conditions = setCondition(s.conditions, { type, status, reason, message }, now) as StatusCondition[];
}

function kindRef(plan: ReleasePlan, kind: string, name: string): string {
  return `${kind} ${plan.metadata.namespace ?? ''}/${name}`;
}

/** What is wrong with the apps as they are in the cluster (the first problem), or undefined. */
function appProblem(plan: ReleasePlan, apps: ReadonlyMap<string, AppObs>): string | undefined {
  for (const a of plan.spec.apps) {
    const kind = a.kind ?? 'CellDeployment';
    const o = apps.get(a.name);
    if (!o?.exists) {
      return `app ${a.name}: ${kindRef(plan, kind, a.name)} does not exist; create it (the plan starts then), or create a new ReleasePlan with the right name and kind`;
    }
    const missing = a.images.filter((i) => !(i.container in o.images)).map((i) => i.container);
    if (missing.length > 0) {
      const have = Object.keys(o.images).join(', ') || 'none';
      return `app ${a.name}: the template of ${kindRef(plan, kind, a.name)} has no container ${missing.join(', ')} (it has ${have}); create a new ReleasePlan naming its containers`;
    }
  }
  return undefined;
}

/**
 * Before anything started: the plan is checked (stages from dependsOn, every app exists with the containers
 * named, no other active plan goes first) and, once it passes, its stages and apps are stored. Returns false
 * when the plan cannot start now (phase Invalid or Pending, with the condition that says why).
 */
export function prepare(input: DecideInput, s: PlanStatus, say: Say): boolean {
  const { plan, now } = input;
  const r = planStages(plan.spec.apps);
  const problem = r.ok ? appProblem(plan, input.apps) : r.problem.message;
  if (problem !== undefined) {
    if (s.phase !== 'Invalid' || s.conditions?.find((c) => c.type === PLAN_CONDITIONS.valid)?.message !== problem) say('Invalid', { message: problem });
    condition(s, PLAN_CONDITIONS.valid, 'False', r.ok ? 'AppNotReleasable' : REASONS[r.problem.kind], problem, now);
    s.phase = 'Invalid';
    return false;
  }
  condition(s, PLAN_CONDITIONS.valid, 'True', 'Valid', 'every app exists and the dependencies form stages', now);
  if (input.conflict) {
    const msg = `app ${input.conflict.app} is also in ReleasePlan ${input.conflict.plan}, which goes first (it is older or already running); this plan starts when that one is Completed or RolledBack, or delete one of them`;
    if (s.conditions?.find((c) => c.type === PLAN_CONDITIONS.conflict)?.status !== 'True') say('Conflict', { message: msg });
    condition(s, PLAN_CONDITIONS.conflict, 'True', 'AppInAnotherPlan', msg, now);
    s.phase = 'Pending';
    return false;
  }
  condition(s, PLAN_CONDITIONS.conflict, 'False', 'NoConflict', 'no other active plan releases these apps', now);
  if (!r.ok) return false;
  if (!s.stages) {
    const kindOf = new Map(plan.spec.apps.map((a) => [a.name, a.kind ?? 'CellDeployment']));
    const stages: PlanStageT[] = [];
    const cells = plan.spec.apps.filter((a) => (a.kind ?? 'CellDeployment') === 'CellDeployment').map((a) => a.name).sort();
    if (plan.spec.beta && cells.length > 0) stages.push({ index: 0, beta: true, apps: cells, phase: 'Pending' });
    for (const names of r.stages) stages.push({ index: stages.length, apps: names, phase: 'Pending' });
    s.stages = stages;
    s.apps = plan.spec.apps.map((a) => ({ name: a.name, kind: kindOf.get(a.name) ?? 'CellDeployment', phase: 'Pending' }));
    s.currentStage = 0;
    const text = stages.map((st) => `${st.index + 1}${st.beta ? ' (beta)' : ''}: ${st.apps.join(', ')}`).join('; ');
    say('Planned', { message: `${stages.length} stage(s): ${text}${plan.spec.needConfirm ? '; each stage after the first is confirmed' : ''}` });
  }
  return true;
}
