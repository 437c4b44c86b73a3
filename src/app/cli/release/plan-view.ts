import type { PlanAppStatusT, PlanHistoryEntryT, PlanStageT, ReleasePlan } from '../../../api/index.js';
import { formatOutput, renderTable, type Column, type OutputFormat } from '../../../term/output.js';

/** The document `plinth release plan status -o json` prints (stable; documented in docs/cli.md). */
export interface PlanStatusView {
  kind: 'ReleasePlanStatus';
  namespace: string;
  releasePlan: string;
  phase: string;
  /** 0-based, as status.stages[].index. */
  currentStage: number | null;
  spec: { needConfirm: boolean; beta: boolean; confirmedStages: number; paused: boolean; rollback: boolean };
  stages: PlanStageT[];
  apps: (PlanAppStatusT & { images: { container: string; image: string }[]; dependsOn: string[] })[];
  conditions: { type: string; status: string; reason?: string; message?: string }[];
  /** What to do next, one line (a command to run, or why nothing is to be done). */
  next: string;
}

function nextStep(plan: ReleasePlan, ref: string): string {
  const s = plan.status ?? {};
  const cond = (t: string): { status: string; message?: string } | undefined => s.conditions?.find((c) => c.type === t);
  switch (s.phase ?? 'Pending') {
    case 'Invalid':
      return cond('Valid')?.message ?? 'the plan is invalid';
    case 'Pending':
      return cond('Conflict')?.status === 'True' ? (cond('Conflict')?.message ?? '') : 'the controller has not started the plan yet';
    case 'WaitingForConfirm':
      return `confirm the next stage: plinth release plan confirm ${ref}`;
    case 'Paused':
      return cond('AppFailed')?.status === 'True' ? (cond('AppFailed')?.message ?? '') : `resume it: plinth release plan resume ${ref}`;
    case 'Progressing':
      return `wait; pause with plinth release plan pause ${ref}, or roll back with plinth release plan rollback ${ref}`;
    case 'RollingBack':
      return 'wait: the started apps return to their images, the last released first';
    default:
      return 'nothing: the plan is finished';
  }
}

/** Pure: the status view of a plan. `ref` is how the user named it (for the commands suggested). */
export function planStatusModel(plan: ReleasePlan, ref: string): PlanStatusView {
  const s = plan.status ?? {};
  const byName = new Map((s.apps ?? []).map((a) => [a.name, a]));
  return {
    kind: 'ReleasePlanStatus',
    namespace: plan.metadata.namespace ?? '',
    releasePlan: plan.metadata.name ?? '',
    phase: s.phase ?? 'Pending',
    currentStage: s.currentStage ?? null,
    spec: { needConfirm: plan.spec.needConfirm === true, beta: plan.spec.beta === true, confirmedStages: plan.spec.confirmedStages ?? 0, paused: plan.spec.paused === true, rollback: plan.spec.rollback === true },
    stages: s.stages ?? [],
    apps: plan.spec.apps.map((a) => ({ ...(byName.get(a.name) ?? { name: a.name, kind: a.kind ?? 'CellDeployment', phase: 'Pending' as const }), images: a.images, dependsOn: a.dependsOn ?? [] })),
    conditions: (s.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })),
    next: nextStep(plan, ref),
  };
}

const stageColumns: Column<PlanStageT>[] = [
  { header: 'Stage', value: (st) => `${st.index + 1}${st.beta ? ' (beta)' : ''}` },
  { header: 'Phase', value: (st) => st.phase },
  { header: 'Apps', value: (st) => st.apps.join(', ') },
  { header: 'Started', value: (st) => st.startedAt, wide: true },
  { header: 'Finished', value: (st) => st.finishedAt, wide: true },
];

const appColumns: Column<PlanStatusView['apps'][number]>[] = [
  { header: 'App', value: (a) => a.name },
  { header: 'Kind', value: (a) => a.kind },
  { header: 'Phase', value: (a) => a.phase },
  { header: 'Images', value: (a) => a.images.map((i) => `${i.container}=${i.image}`).join(', ') },
  { header: 'From', value: (a) => (a.fromImages ?? []).map((i) => `${i.container}=${i.image}`).join(', '), wide: true },
  { header: 'Release order', value: (a) => a.releaseOrder },
  { header: 'Depends on', value: (a) => a.dependsOn.join(', '), wide: true },
  { header: 'Message', value: (a) => a.message, wide: true },
];

/** The status as printed: a head, the stages, the apps, the conditions that are not fine, and what to do next. */
export function renderPlanStatus(v: PlanStatusView, output: OutputFormat): string {
  return formatOutput(output, v, () => `releaseplan.apps.plinth.dev/${v.releasePlan}\n`, (wide) => {
    const stage = v.currentStage === null || v.stages.length === 0 ? '' : `, stage ${v.currentStage + 1}/${v.stages.length}`;
    const flags = [v.spec.beta ? 'beta' : '', v.spec.needConfirm ? 'needConfirm' : '', v.spec.paused ? 'paused' : '', v.spec.rollback ? 'rollback' : ''].filter(Boolean).join(', ');
    const lines = [`Release plan ${v.namespace}/${v.releasePlan}: ${v.phase}${stage}${flags ? ` (${flags})` : ''}, confirmed stages: ${v.spec.confirmedStages}`, ''];
    if (v.stages.length > 0) lines.push(renderTable(v.stages, stageColumns, wide));
    lines.push(renderTable(v.apps, appColumns, wide));
    const bad = v.conditions.filter((c) => (c.type === 'Valid' ? c.status !== 'True' : c.status === 'True'));
    for (const c of bad) lines.push(`${c.type}=${c.status} (${c.reason ?? ''}): ${c.message ?? ''}`);
    lines.push(`Next: ${v.next}`);
    return lines.join('\n') + '\n';
  });
}

/** The document `plinth release plan history -o json` prints. */
export interface PlanHistoryView {
  kind: 'ReleasePlanHistory';
  namespace: string;
  releasePlan: string;
  phase: string;
  /** status.history as stored, oldest first; `stage` 0-based as in the API. */
  items: PlanHistoryEntryT[];
}

export function planHistoryModel(plan: ReleasePlan): PlanHistoryView {
  return { kind: 'ReleasePlanHistory', namespace: plan.metadata.namespace ?? '', releasePlan: plan.metadata.name ?? '', phase: plan.status?.phase ?? 'Pending', items: plan.status?.history ?? [] };
}

const historyColumns: Column<PlanHistoryEntryT>[] = [
  { header: 'Time', value: (h) => h.at },
  { header: 'By', value: (h) => h.by },
  { header: 'Action', value: (h) => h.action },
  { header: 'Stage', value: (h) => (h.stage === undefined ? undefined : h.stage + 1) },
  { header: 'App', value: (h) => h.app },
  { header: 'Message', value: (h) => h.message },
];

export function renderPlanHistory(v: PlanHistoryView, output: OutputFormat): string {
  return formatOutput(output, v, () => `releaseplan.apps.plinth.dev/${v.releasePlan}\n`, (wide) =>
    v.items.length === 0 ? `No history yet in release plan ${v.namespace}/${v.releasePlan}.\n` : renderTable(v.items, historyColumns, wide),
  );
}
