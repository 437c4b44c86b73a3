import { stringify } from 'yaml';
import type { PlanHistoryEntryT, ReleasePlan } from '../../api/index.js';
import { PlinthError } from '../../errors/index.js';
import { isNotFound } from '../../kube/api-error.js';
import type { Session } from '../../kube/client.js';
import type { KubeClient } from '../../kube/http.js';
import { inNamespace } from '../../kube/resource.js';
import { retry } from '../../kube/retry.js';
import type { OutputFormat } from '../../term/output.js';
import { RELEASE_PLANS } from '../releaseplan/act.js';
import { planEntry } from '../releaseplan/history.js';
import { HISTORY_ACTIONS, type ReleaseAction } from './decide.js';
import { whoAmI, type Identity } from './identity.js';
import { decidePlanAction, type PlanDecision } from './plan-decide.js';
import { mayBeFailedTest, type JsonPatchOp } from './record.js';

/** The JSON of `plinth release plan confirm|pause|resume|rollback -o json` (documented in docs/cli.md). */
export interface PlanActionResult {
  kind: 'ReleasePlanAction';
  action: ReleaseAction;
  namespace: string;
  releasePlan: string;
  changed: boolean;
  message: string;
  stage: { index: number; number: number } | null;
  spec: { confirmedStages: number; paused: boolean; rollback: boolean };
  phase: string;
  by: Identity | null;
  history: PlanHistoryEntryT | null;
}

/** A plan by name, or RELEASE_NOT_FOUND saying how to list them. */
export async function getPlan(client: KubeClient, namespace: string, name: string): Promise<ReleasePlan> {
  const plain = name.replace(/^(releaseplans?|rplan|rp)(\.apps\.plinth\.dev)?\//, '');
  try {
    return await client.get<ReleasePlan>(inNamespace(RELEASE_PLANS, namespace), plain);
  } catch (err) {
    if (isNotFound(err)) throw new PlinthError('RELEASE_NOT_FOUND', { what: 'ReleasePlan', name: plain, namespace, fix: `list them with \`kubectl get releaseplans -n ${namespace}\`` });
    throw err;
  }
}

/**
 * Patch built from the plan as read, guarded by a test of its resourceVersion; on a lost race (the test fails,
 * a conflict) read again and rebuild.
 */
async function guarded<R>(client: KubeClient, plan: ReleasePlan, build: (p: ReleasePlan) => { ops: JsonPatchOp[] | undefined; subresource?: 'status'; result: R }): Promise<{ plan: ReleasePlan; result: R; written: boolean }> {
  const res = inNamespace(RELEASE_PLANS, plan.metadata.namespace);
  const name = plan.metadata.name ?? '';
  let next: ReleasePlan | undefined = plan;
  const lost = new WeakSet<object>();
  return retry(
    async () => {
      const p = next ?? (await client.get<ReleasePlan>(res, name));
      next = undefined;
      const step = build(p);
      if (!step.ops) return { plan: p, result: step.result, written: false };
      const ops: JsonPatchOp[] = [{ op: 'test', path: '/metadata/resourceVersion', value: p.metadata.resourceVersion }, ...step.ops];
      try {
        const stored = await client.patch<ReleasePlan>(res, name, ops, 'json', step.subresource ? { subresource: step.subresource } : {});
        return { plan: stored, result: step.result, written: true };
      } catch (err) {
        if (mayBeFailedTest(err)) {
          next = await client.get<ReleasePlan>(res, name);
          if (next.metadata.resourceVersion !== p.metadata.resourceVersion) lost.add(err as object);
        }
        throw err;
      }
    },
    { attempts: 21, initialMs: 20, maxMs: 500, also: (err) => lost.has(err as object) },
  );
}

/** Pure: the status patch appending `entry` to status.history. */
export function planHistoryOps(plan: ReleasePlan, entry: PlanHistoryEntryT): JsonPatchOp[] {
  if (Array.isArray(plan.status?.history)) return [{ op: 'add', path: '/status/history/-', value: entry }];
  if (plan.status) return [{ op: 'add', path: '/status/history', value: [entry] }];
  return [{ op: 'add', path: '/status', value: { history: [entry] } }];
}

/**
 * Runs one action on the plan NAME: decide from the plan as read, patch its spec (guarded; on a race read and
 * decide again), then append {at, by, action, stage, message} to its status.history with who did it.
 */
export async function runPlanAction(s: Session, action: ReleaseAction, name: string): Promise<PlanActionResult> {
  const [plan, identity] = await Promise.all([getPlan(s.client, s.namespace, name), whoAmI(s.client, s.kc)]);
  const ref = (plan.metadata.name ?? name) + (s.namespace !== s.defaultNamespace ? ` -n ${s.namespace}` : '');
  const { plan: after, result: d, written } = await guarded<PlanDecision>(s.client, plan, (p) => {
    const dec = decidePlanAction(p, action, ref);
    const ops = dec.set ? Object.entries(dec.set).map(([f, v]): JsonPatchOp => ({ op: 'add', path: `/spec/${f}`, value: v })) : undefined;
    return { ops, result: dec };
  });
  let entry: PlanHistoryEntryT | null = null;
  let stored = after;
  if (written) {
    const e = planEntry(new Date(), identity.user, HISTORY_ACTIONS[action], { ...(d.stage !== undefined ? { stage: d.stage } : {}), message: d.message });
    entry = e;
    try {
      stored = (await guarded(s.client, after, (p) => ({ ops: planHistoryOps(p, e), subresource: 'status', result: undefined }))).plan;
    } catch (err) {
      process.stderr.write(`warning: the spec of release plan ${s.namespace}/${plan.metadata.name ?? ''} was changed, but the history entry could not be written\n`);
      throw err;
    }
  }
  return {
    kind: 'ReleasePlanAction',
    action,
    namespace: s.namespace,
    releasePlan: plan.metadata.name ?? '',
    changed: written,
    message: d.message,
    stage: d.stage === undefined ? null : { index: d.stage, number: d.stage + 1 },
    spec: { confirmedStages: stored.spec.confirmedStages ?? 0, paused: stored.spec.paused === true, rollback: stored.spec.rollback === true },
    phase: stored.status?.phase ?? 'Pending',
    by: written ? identity : null,
    history: entry,
  };
}

export function renderPlanActionResult(r: PlanActionResult, output: OutputFormat): string {
  if (output === 'json') return JSON.stringify(r, null, 2) + '\n';
  if (output === 'yaml') return stringify(r);
  if (output === 'name') return `releaseplan.apps.plinth.dev/${r.releasePlan}\n`;
  const head = `release plan ${r.namespace}/${r.releasePlan}: ${r.message}`;
  if (!r.changed) return `${head} (nothing changed)\n`;
  return `${head}\nrecorded in its history: ${r.history?.action ?? ''} by ${r.by?.user ?? 'unknown'}\n`;
}
