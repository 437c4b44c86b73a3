import type { PlanStageT } from '../../api/index.js';
import { rfc3339 } from '../../kube/clock.js';
import { appendPlanHistory, planEntry } from './history.js';
import { rollbackPlan } from './rollback.js';
import { appStatus, confirmOrder, imagesMatch, POLL_MS, steerPause, type Step } from './step.js';
import { condition, prepare, started } from './start.js';
import { PLAN_ACTOR, PLAN_CONDITIONS, type DecideInput, type DecideOutput, type PlanPhase, type Say } from './types.js';

/** How often an Invalid plan is checked again (an app may be created meanwhile). */
export const INVALID_POLL_MS = 5000;

/**
 * Pure: the next status of a ReleasePlan and what to do to the apps. In order:
 *  1. before any app started: check the plan (stages, apps exist, no other active plan goes first) and store
 *     its stages — never again;
 *  2. rollback (spec.rollback): undo the started apps in reverse dependency order, one at a time (rollback.ts);
 *  3. forward: the first stage not Succeeded runs when allowed — paused holds it; stage i > 0 waits for
 *     spec.confirmedStages >= i with needConfirm, and the stage after the beta stage always does. A running
 *     stage sets each app's images, drives its release (confirming a CellDeployment's ReleaseOrder so the
 *     plan's confirmation is the only one) and succeeds when every app completed (the beta stage: when every
 *     CellDeployment's first batch succeeded). An app that fails pauses the plan (condition AppFailed).
 * Every decision is appended to status.history with by system:plinth.
 */
export function decide(input: DecideInput): DecideOutput {
  const out = decideOnce(input);
  // A strategy to restore is looked at again even on a finished plan (a failed restore is retried).
  if (out.actions.some((a) => a.type === 'restoreStrategy')) out.requeueAfterMs = Math.min(out.requeueAfterMs ?? POLL_MS, POLL_MS);
  return out;
}

function decideOnce(input: DecideInput): DecideOutput {
  const { plan, now } = input;
  const out: DecideOutput = { status: structuredClone(plan.status ?? {}), actions: [] };
  const s = out.status;
  s.observedGeneration = plan.metadata.generation;
  const say: Say = (action, d = {}) => {
    s.history = appendPlanHistory(s.history, planEntry(now, PLAN_ACTOR, action, d));
  };
  const step: Step = { input, out, say };
  const prev: PlanPhase = s.phase ?? 'Pending';
  restoreStrategies(step);
  if (prev === 'RolledBack') return label(out);
  if (prev === 'Completed' && !plan.spec.rollback) return label(out);
  if (!started(s) && !plan.spec.rollback) {
    if (!prepare(input, s, say)) {
      // Neither the apps nor the other plans tell this plan when they change: look again.
      out.requeueAfterMs = s.phase === 'Invalid' ? INVALID_POLL_MS : POLL_MS;
      return label(out);
    }
  }
  if (plan.spec.rollback) {
    if (!started(s)) {
      s.phase = 'RolledBack';
      say('RolledBack', { message: 'rollback requested before any app was changed: nothing to undo' });
      return label(out);
    }
    return label(rollbackPlan(step));
  }
  forward(step, prev);
  if (s.phase !== 'Completed') out.requeueAfterMs = POLL_MS;
  return label(out);
}

/** status.stage for people: "2/3". */
function label(out: DecideOutput): DecideOutput {
  const s = out.status;
  const n = s.stages?.length ?? 0;
  if (n === 0 || s.currentStage === undefined) delete s.stage;
  else s.stage = `${s.currentStage + 1}/${n}`;
  return out;
}

function setPhase(step: Step, prev: PlanPhase, phase: PlanPhase): void {
  const s = step.out.status;
  if (prev === 'Paused' && phase !== 'Paused') step.say('Resumed', { stage: s.currentStage, message: 'spec.paused is false again' });
  if (phase === 'Paused' && prev !== 'Paused') step.say('Paused', { stage: s.currentStage, message: 'spec.paused is true: no app starts, the running ones are paused' });
  s.phase = phase;
}

function needsConfirmation(step: Step, st: PlanStageT): boolean {
  const { spec } = step.input.plan;
  if (st.index === 0) return false;
  const afterBeta = step.out.status.stages?.[st.index - 1]?.beta === true;
  return (spec.needConfirm || afterBeta) && (spec.confirmedStages ?? 0) < st.index;
}

function forward(step: Step, prevPhase: PlanPhase): void {
  const s = step.out.status;
  const paused = step.input.plan.spec.paused === true;
  let prev = prevPhase;
  for (const st of s.stages ?? []) {
    if (st.phase === 'Succeeded') continue;
    s.currentStage = st.index;
    if (st.phase === 'Pending' || st.phase === 'WaitingForConfirm') {
      if (paused) return setPhase(step, prev, 'Paused');
      if (needsConfirmation(step, st)) {
        if (st.phase !== 'WaitingForConfirm') {
          st.phase = 'WaitingForConfirm';
          step.say('WaitingForConfirm', { stage: st.index, message: `stage ${st.index + 1} of ${s.stages!.length} (${st.apps.join(', ')}) waits: set spec.confirmedStages to ${st.index} (plinth release plan confirm) to start it` });
        }
        return setPhase(step, prev, 'WaitingForConfirm');
      }
      st.phase = 'Running';
      st.startedAt = rfc3339(step.input.now);
      setPhase(step, prev, 'Progressing');
      prev = 'Progressing';
      step.say('StageStarted', { stage: st.index, message: `stage ${st.index + 1} of ${s.stages!.length} started: ${st.apps.join(', ')}${st.beta ? ' (beta batches only)' : ''}` });
    }
    if (st.phase === 'Failed') {
      if (paused) return setPhase(step, prev, 'Paused');
      st.phase = 'Running';
      for (const n of st.apps) {
        const a = appStatus(step, n);
        if (a.phase === 'Failed') {
          a.phase = 'Progressing';
          delete a.message;
        }
      }
      condition(s, PLAN_CONDITIONS.appFailed, 'False', 'Resumed', 'resumed: the failed apps are watched again', step.input.now);
      step.say('Resumed', { stage: st.index, message: `resumed: stage ${st.index + 1} goes on` });
      prev = 'Progressing';
    }
    if (!runStage(step, st, paused, prev)) return;
    st.phase = 'Succeeded';
    st.finishedAt = rfc3339(step.input.now);
    step.say('StageSucceeded', { stage: st.index, message: `stage ${st.index + 1} of ${s.stages!.length} succeeded: ${st.apps.join(', ')}${st.beta ? ' ran their beta batch' : ' completed'}` });
    prev = 'Progressing';
  }
  s.phase = 'Completed';
  s.currentStage = Math.max(0, (s.stages?.length ?? 1) - 1);
  if (prevPhase !== 'Completed') step.say('Completed', { message: `${(s.apps ?? []).length} app(s) released` });
}

/** Drives the apps of a running stage; true when all are done. */
function runStage(step: Step, st: PlanStageT, paused: boolean, prev: PlanPhase): boolean {
  const s = step.out.status;
  setPhase(step, prev, paused ? 'Paused' : 'Progressing');
  let done = true;
  const failed: string[] = [];
  for (const name of st.apps) {
    const r = driveApp(step, st, name, paused);
    if (r === 'failed') failed.push(name);
    if (r !== 'done') done = false;
  }
  if (failed.length > 0) {
    st.phase = 'Failed';
    const why = failed.map((n) => `${n}: ${appStatus(step, n).message ?? 'failed'}`).join('; ');
    const msg = `app ${failed.join(', ')} failed in stage ${st.index + 1} (${why}); fix it and resume the plan (plinth release plan resume), or roll it back (plinth release plan rollback)`;
    condition(s, PLAN_CONDITIONS.appFailed, 'True', 'AppFailed', msg, step.input.now);
    step.say('AppFailed', { stage: st.index, app: failed.join(','), message: msg });
    s.phase = 'Paused';
    step.out.actions.push({ type: 'pausePlan', message: msg });
    return false;
  }
  return done;
}

/** One app of a running stage: 'done', 'running' or 'failed'. */
function driveApp(step: Step, st: PlanStageT, name: string, paused: boolean): 'done' | 'running' | 'failed' {
  const spec = step.input.plan.spec.apps.find((x) => x.name === name);
  const a = appStatus(step, name);
  const o = step.input.apps.get(name);
  if (!spec) return 'done';
  const kind = spec.kind ?? 'CellDeployment';
  const beta = st.beta === true;
  if (a.phase === 'Completed' || (beta && a.phase === 'BetaDone')) return 'done';
  if (!o?.exists) {
    a.phase = 'Failed';
    a.message = `${kind} ${name} does not exist any more`;
    return 'failed';
  }
  if (a.phase === 'Pending') {
    if (paused) return 'running';
    a.fromImages = spec.images.map((i) => ({ container: i.container, image: o.images[i.container] ?? '' }));
    if (beta && o.strategy) a.strategyBefore = { ...o.strategy };
    a.phase = 'Starting';
    const to = spec.images.map((i) => `${i.container}=${i.image}`).join(', ');
    step.say('AppStarted', { stage: st.index, app: name, message: `${kind} ${name}: ${to}${beta ? ' (beta batch first)' : ''}` });
  }
  if (a.phase === 'Starting') {
    if (!imagesMatch(o.images, spec.images) || !o.settled) {
      step.out.actions.push({ type: 'setImages', app: name, kind, images: spec.images, ...(beta ? { holdAfterBeta: true } : {}) });
      return 'running';
    }
    a.phase = 'Progressing';
  }
  if (a.phase === 'BetaDone') a.phase = 'Progressing';
  if (o.order) a.releaseOrder = o.order.name;
  // Pause and resume reach the app's own release.
  steerPause(step, name, kind, paused);
  if (o.state === 'Failed') {
    a.phase = 'Failed';
    a.message = o.message ?? 'its release failed';
    return 'failed';
  }
  if (beta) {
    if (o.state === 'Completed' || o.order?.firstBatchDone) {
      a.phase = 'BetaDone';
      step.say('AppBetaDone', { stage: st.index, app: name, message: `${name}: beta batch succeeded (ReleaseOrder ${o.order?.name ?? '-'})` });
      return 'done';
    }
    return 'running';
  }
  confirmOrder(step, st.index, name);
  if (o.state === 'Completed') {
    a.phase = 'Completed';
    step.say('AppCompleted', { stage: st.index, app: name, message: `${kind} ${name} runs ${spec.images.map((i) => i.image).join(', ')}` });
    return 'done';
  }
  return 'running';
}


/**
 * A beta plan set strategy.beta and needConfirm on its CellDeployments; once an app is done (Completed or
 * RolledBack) they get their values from before back, and the record goes when the CellDeployment shows them.
 */
function restoreStrategies(step: Step): void {
  for (const a of step.out.status.apps ?? []) {
    const before = a.strategyBefore;
    if (!before || (a.phase !== 'Completed' && a.phase !== 'RolledBack')) continue;
    const now = step.input.apps.get(a.name)?.strategy;
    if (!now || (now.beta === before.beta && now.needConfirm === before.needConfirm)) {
      delete a.strategyBefore;
      step.say('StrategyRestored', { app: a.name, message: `CellDeployment ${a.name}: strategy.beta ${String(before.beta)}, strategy.needConfirm ${String(before.needConfirm)} as before the plan` });
      continue;
    }
    step.out.actions.push({ type: 'restoreStrategy', app: a.name, strategy: before });
  }
}
