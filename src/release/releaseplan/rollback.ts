import { rfc3339 } from '../../kube/clock.js';
import { compareStrings } from '../plan/index.js';
import { appStatus, confirmOrder, imagesMatch, POLL_MS, type Step } from './step.js';
import { condition } from './start.js';
import { PLAN_CONDITIONS, type DecideOutput } from './types.js';

/**
 * The started apps in the order they are undone: the reverse of the order they were released in — later
 * dependency stages first, and within a stage names in reverse order (the beta stage is not a dependency
 * stage: an app is undone where its own stage puts it).
 */
export function undoOrder(step: Step): string[] {
  const stages = (step.out.status.stages ?? []).filter((st) => st.beta !== true);
  const stageOf = new Map<string, number>();
  for (const st of stages) for (const n of st.apps) stageOf.set(n, st.index);
  const startedApps = (step.out.status.apps ?? []).filter((a) => a.phase !== 'Pending').map((a) => a.name);
  return startedApps.sort((a, b) => (stageOf.get(b) ?? 0) - (stageOf.get(a) ?? 0) || compareStrings(b, a));
}

/**
 * spec.rollback: the started apps are undone one at a time in {@link undoOrder}, each drained like its own
 * release: its template gets its fromImages back (a CellDeployment then makes a ReleaseOrder back to the old
 * revision, which the plan confirms; a Deployment rolls out the old pod template), and the next app starts
 * once this one completed. Pause does not hold a rollback. RolledBack when every started app is back.
 */
export function rollbackPlan(step: Step): DecideOutput {
  const { out, input, say } = step;
  const s = out.status;
  if (s.phase !== 'RollingBack') {
    const order = undoOrder(step);
    say('RollbackStarted', { message: `rollback requested: ${order.join(', ')} return to their images before the plan, in this order` });
    s.phase = 'RollingBack';
  }
  out.requeueAfterMs = POLL_MS;
  for (const name of undoOrder(step)) {
    const a = appStatus(step, name);
    if (a.phase === 'RolledBack') continue;
    const spec = input.plan.spec.apps.find((x) => x.name === name);
    const kind = spec?.kind ?? 'CellDeployment';
    const o = input.apps.get(name);
    const from = a.fromImages ?? [];
    if (a.phase !== 'RollingBack') {
      a.phase = 'RollingBack';
      delete a.message;
      say('AppRollbackStarted', { app: name, message: `${kind} ${name} returns to ${from.map((i) => `${i.container}=${i.image}`).join(', ') || 'its images'}` });
    }
    if (!o?.exists) {
      a.phase = 'RolledBack';
      a.message = `${kind} ${name} does not exist any more: nothing to undo`;
      say('AppRolledBack', { app: name, message: a.message });
      continue;
    }
    if (!imagesMatch(o.images, from) || !o.settled) {
      out.actions.push({ type: 'setImages', app: name, kind, images: from, unpause: true });
      return out;
    }
    if (o.paused) out.actions.push({ type: 'pauseApp', app: name, kind, ...(o.order ? { order: o.order.name } : {}), paused: false });
    if (o.order) a.releaseOrder = o.order.name;
    confirmOrder(step, s.currentStage ?? 0, name);
    if (o.state !== 'Completed') {
      if (o.state === 'Failed') {
        a.message = `its rollback does not progress: ${o.message ?? 'failed'}`;
        condition(s, PLAN_CONDITIONS.appFailed, 'True', 'RollbackNotProgressing', `app ${name}: ${a.message}; fix it (the rollback goes on by itself)`, input.now);
      }
      return out;
    }
    a.phase = 'RolledBack';
    delete a.pausedByPlan;
    say('AppRolledBack', { app: name, message: `${kind} ${name} runs ${from.map((i) => i.image).join(', ')} again` });
  }
  for (const st of s.stages ?? []) {
    if (st.phase === 'Pending' || st.phase === 'WaitingForConfirm') continue;
    if (st.phase !== 'RolledBack') {
      st.phase = 'RolledBack';
      st.finishedAt = rfc3339(input.now);
    }
  }
  s.phase = 'RolledBack';
  condition(s, PLAN_CONDITIONS.appFailed, 'False', 'RolledBack', 'every started app was rolled back', input.now);
  say('RolledBack', { message: 'every started app runs its images from before the plan again' });
  delete out.requeueAfterMs;
  return out;
}
