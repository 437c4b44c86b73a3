import type { Session } from '../../../kube/client.js';
import { getPlan } from '../../../release/steer/plan-actions.js';
import type { OutputFormat } from '../../../term/output.js';
import { planHistoryModel, planStatusModel, renderPlanHistory, renderPlanStatus } from './plan-view.js';
import { nsFlagOf } from './status.js';

/** `plinth release plan status NAME`. */
export async function showPlanStatus(s: Session, name: string, output: OutputFormat): Promise<void> {
  const plan = await getPlan(s.client, s.namespace, name);
  process.stdout.write(renderPlanStatus(planStatusModel(plan, `${plan.metadata.name ?? name}${nsFlagOf(s)}`), output));
}

/** `plinth release plan history NAME`. */
export async function showPlanHistory(s: Session, name: string, output: OutputFormat): Promise<void> {
  const plan = await getPlan(s.client, s.namespace, name);
  process.stdout.write(renderPlanHistory(planHistoryModel(plan), output));
}
