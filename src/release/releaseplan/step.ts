import type { AppStatus, DecideInput, DecideOutput, Say } from './types.js';

/** How often an active plan looks at its apps again (it reads them, it is not told of their changes). */
export const POLL_MS = 1000;

/** Pure: the images `images` are all in the template (`current`, by container). */
export function imagesMatch(current: Readonly<Record<string, string>>, images: readonly { container: string; image: string }[]): boolean {
  return images.every((i) => current[i.container] === i.image);
}

/** Shared by one decision: the plan, what was seen, the status being built and the actions to take. */
export interface Step {
  input: DecideInput;
  out: DecideOutput;
  say: Say;
}

export function appStatus(step: Step, name: string): AppStatus {
  const list = (step.out.status.apps ??= []);
  let a = list.find((x) => x.name === name);
  if (!a) {
    const spec = step.input.plan.spec.apps.find((x) => x.name === name);
    a = { name, kind: spec?.kind ?? 'CellDeployment', phase: 'Pending' };
    list.push(a);
  }
  return a;
}

/** The plan's confirmation drives the app's ReleaseOrder: every planned batch of it is confirmed. */
export function confirmOrder(step: Step, stage: number, name: string): void {
  const order = step.input.apps.get(name)?.order;
  if (!order || order.batches === 0 || ['Completed', 'RolledBack', 'Superseded', 'Failed'].includes(order.phase)) return;
  const all = order.batches - 1;
  if (order.confirmedBatches < all) step.out.actions.push({ type: 'confirmOrder', app: name, order: order.name, confirmedBatches: all, stage });
}

/**
 * Pause and resume reach the app's own release: a paused plan pauses it (and says so in the app's status);
 * resuming the plan resumes only what the plan paused, so a release paused by its own failed check stays paused.
 */
export function steerPause(step: Step, name: string, kind: string, paused: boolean): void {
  const a = appStatus(step, name);
  const o = step.input.apps.get(name);
  if (!o || o.state === 'Completed') return;
  const target = o.order ? { order: o.order.name } : {};
  if (paused) {
    a.pausedByPlan = true;
    if (!o.paused) step.out.actions.push({ type: 'pauseApp', app: name, kind, ...target, paused: true });
    return;
  }
  if (a.pausedByPlan) {
    if (o.paused) step.out.actions.push({ type: 'pauseApp', app: name, kind, ...target, paused: false });
    else delete a.pausedByPlan;
  }
}
