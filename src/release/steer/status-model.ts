import type { CellDeployment, ReleaseOrder, ReleaseOrderStatusT } from '../../api/index.js';
import type { HistoryEntryT } from '../plan/history.js';
import { waitingBatch } from './decide.js';
import type { TargetKind } from './resolve.js';

type CheckT = NonNullable<ReleaseOrderStatusT['checks']>[number];

/** One batch as `plinth release status -o json` shows it. */
export interface BatchView {
  /** 0-based, as in the API (spec.confirmedBatches, history entries). */
  index: number;
  /** 1-based, as tables show it. */
  number: number;
  phase: string;
  units: string[];
  pods: string[];
  startedAt: string | null;
  finishedAt: string | null;
}

export interface UnitView {
  name: string;
  replicas: number;
  readyReplicas: number;
  updatedReplicas: number;
}

/** What a user can do next; `command` is the command line to run, if any. */
export interface NextAction {
  action: 'confirm' | 'resume' | 'rollback' | 'wait' | 'none';
  message: string;
  command: string | null;
}

/** The document `plinth release status -o json` prints (stable; documented in docs/cli.md). */
export interface ReleaseStatusView {
  kind: 'ReleaseStatus';
  namespace: string;
  releaseOrder: string;
  resolvedFrom: TargetKind;
  target: { kind: string; name: string };
  phase: string;
  fromRevision: string;
  toRevision: string;
  spec: { confirmedBatches: number; paused: boolean; rollback: boolean };
  currentBatch: { index: number; number: number } | null;
  batchCount: number;
  /** Pods the release changes, and those in batches that succeeded. */
  pods: { total: number; done: number };
  batches: BatchView[];
  /** Per unit counts from the CellDeployment's status (empty without it). */
  units: UnitView[];
  cellDeployment: {
    name: string;
    phase: string | null;
    paused: boolean;
    replicas: number;
    readyReplicas: number;
    updatedReplicas: number;
    currentRevision: string | null;
    updateRevision: string | null;
    /** The order the CellDeployment follows now (may differ from releaseOrder for an older order). */
    releaseOrder: string | null;
  } | null;
  checks: CheckT[];
  next: NextAction;
  lastHistory: HistoryEntryT | null;
}

export interface ModelInput {
  order: ReleaseOrder;
  cd: CellDeployment | undefined;
  resolvedFrom: TargetKind;
  /** How to name this release in suggested commands: NAME as given, e.g. `web` or `ro/web-abc`. */
  ref: string;
  /** ` -n NS` when suggested commands need it (the namespace is not the default one), else ''. */
  nsFlag: string;
}

/** Pure: the status view of an order and its CellDeployment. */
export function statusModel(input: ModelInput): ReleaseStatusView {
  const { order, cd } = input;
  const st = order.status ?? {};
  const batches: BatchView[] = (st.batches ?? []).map((b) => ({
    index: b.index,
    number: b.index + 1,
    phase: b.phase,
    units: b.units ?? [],
    pods: b.pods,
    startedAt: b.startedAt ?? null,
    finishedAt: b.finishedAt ?? null,
  }));
  const history = st.history ?? [];
  const view: ReleaseStatusView = {
    kind: 'ReleaseStatus',
    namespace: order.metadata.namespace ?? '',
    releaseOrder: order.metadata.name ?? '',
    resolvedFrom: input.resolvedFrom,
    target: { kind: order.spec.target.kind ?? 'CellDeployment', name: order.spec.target.name },
    phase: st.phase ?? 'Pending',
    fromRevision: order.spec.fromRevision ?? '',
    toRevision: order.spec.toRevision,
    spec: { confirmedBatches: order.spec.confirmedBatches ?? 0, paused: order.spec.paused === true, rollback: order.spec.rollback === true },
    currentBatch: batches.length > 0 && st.currentBatch !== undefined ? { index: st.currentBatch, number: st.currentBatch + 1 } : null,
    batchCount: batches.length,
    pods: {
      total: batches.reduce((n, b) => n + b.pods.length, 0),
      done: batches.filter((b) => b.phase === 'Succeeded').reduce((n, b) => n + b.pods.length, 0),
    },
    batches,
    units: (cd?.status?.units ?? []).map((u) => ({ name: u.name, replicas: u.replicas, readyReplicas: u.readyReplicas, updatedReplicas: u.updatedReplicas })),
    cellDeployment: cd
      ? {
          name: cd.metadata.name ?? '',
          phase: cd.status?.phase ?? null,
          paused: cd.spec.paused === true,
          replicas: cd.status?.replicas ?? 0,
          readyReplicas: cd.status?.readyReplicas ?? 0,
          updatedReplicas: cd.status?.updatedReplicas ?? 0,
          currentRevision: cd.status?.currentRevision ?? null,
          updateRevision: cd.status?.updateRevision ?? null,
          releaseOrder: cd.status?.releaseOrder ?? null,
        }
      : null,
    checks: st.checks ?? [],
    next: { action: 'none', message: '', command: null },
    lastHistory: history.length > 0 ? history[history.length - 1]! : null,
  };
  view.next = nextAction(view, order, input.ref + input.nsFlag, input.nsFlag);
  return view;
}

/** Pure: the next thing a user can do with the release, in words and as a command (`ref` includes any -n flag). */
export function nextAction(v: ReleaseStatusView, order: ReleaseOrder, ref: string, nsFlag = ''): NextAction {
  const n = v.batchCount;
  const cur = v.currentBatch ? v.batches.find((b) => b.index === v.currentBatch!.index) : undefined;
  const watch = `plinth release status ${ref} --watch`;
  switch (v.phase) {
    case 'Completed':
      return { action: 'none', message: `completed: every pod runs revision ${v.toRevision} (to go back: plinth release rollback ${ref})`, command: null };
    case 'RolledBack':
      return { action: 'none', message: `rolled back: every pod runs revision ${v.fromRevision || '(none)'} again`, command: null };
    case 'Superseded': {
      const newer = v.cellDeployment?.releaseOrder && v.cellDeployment.releaseOrder !== v.releaseOrder ? v.cellDeployment.releaseOrder : undefined;
      return {
        action: 'none',
        message: `superseded by a newer release order${newer ? ` (${newer})` : ''}: follow the CellDeployment's current release`,
        command: `plinth release status celldeployment/${v.target.name}${nsFlag}`,
      };
    }
    case 'Failed':
      return { action: 'rollback', message: `failed${failReason(order)}: roll back with plinth release rollback ${ref}`, command: `plinth release rollback ${ref}` };
    case 'RollingBack':
      return { action: 'wait', message: `rolling back${cur ? ` batch ${cur.number} of ${n}` : ''} to revision ${v.fromRevision || '(none)'}: ${watch}`, command: watch };
  }
  if (n === 0) return { action: 'wait', message: 'waiting for the controller to plan the batches', command: watch };
  if (v.spec.paused) return { action: 'resume', message: `paused: resume with plinth release resume ${ref}`, command: `plinth release resume ${ref}` };
  if (v.cellDeployment?.paused) {
    const cmd = `kubectl patch celldeployment ${v.target.name} -n ${v.namespace} --type merge -p '{"spec":{"paused":false}}'`;
    return { action: 'resume', message: `the CellDeployment is paused (its spec.paused): ${cmd}`, command: cmd };
  }
  const waiting = waitingBatch(order);
  if (waiting !== undefined && waiting > v.spec.confirmedBatches) {
    return {
      action: 'confirm',
      message: `batch ${waiting + 1} of ${n} waits for confirmation: plinth release confirm ${ref}`,
      command: `plinth release confirm ${ref}`,
    };
  }
  if (v.phase === 'Blocked') {
    return { action: 'wait', message: `blocked${failReason(order, 'Blocked')}; it goes on once the check passes (or: plinth release pause|rollback ${ref})`, command: watch };
  }
  const what = cur ? `batch ${cur.number} of ${n} is ${cur.phase} (${cur.pods.length} pod(s))` : `the release is ${v.phase}`;
  return { action: 'wait', message: `${what}: ${watch}`, command: watch };
}

function failReason(order: ReleaseOrder, result: 'Failed' | 'Blocked' = 'Failed'): string {
  const check = [...(order.status?.checks ?? [])].reverse().find((c) => c.result === result);
  if (check) return ` (${check.name}${check.message ? `: ${check.message}` : ''})`;
  const said = [...(order.status?.history ?? [])].reverse().find((h) => h.message && (h.action === result || h.action === 'CheckFailed'));
  return said?.message ? ` (${said.message})` : '';
}
