import { stringify } from 'yaml';
import type { ReleaseOrder } from '../../api/index.js';
import type { OutputFormat } from '../../term/output.js';
import { historyEntry, type HistoryEntryT } from '../plan/history.js';
import { decideConfirm, decidePause, decideRollback, HISTORY_ACTIONS, type Decision, type ReleaseAction } from './decide.js';
import { whoAmI, type Identity } from './identity.js';
import { guardedPatch, recordHistory, type JsonPatchOp } from './record.js';
import { describeResolved, resolveTarget, type Resolved } from './resolve.js';
import type { Session } from '../../kube/client.js';

export interface ActionOptions {
  /** confirm --batch K (1-based). */
  batch?: number;
  output: OutputFormat;
}

/** The JSON of `plinth release confirm|pause|resume|rollback -o json` (documented in docs/cli.md). */
export interface ActionResult {
  kind: 'ReleaseAction';
  action: ReleaseAction;
  namespace: string;
  releaseOrder: string;
  resolvedFrom: Resolved['resolvedFrom'];
  target: { kind: string; name: string };
  /** false: the order already was that way; nothing was written or recorded. */
  changed: boolean;
  message: string;
  /** The batch concerned: 0-based index as in the API, 1-based number as displayed. */
  batch: { index: number; number: number } | null;
  /** The order's spec after the action. */
  spec: { confirmedBatches: number; paused: boolean; rollback: boolean };
  phase: string;
  /** Who did it (null when nothing changed). */
  by: Identity | null;
  /** The entry appended to status.history (null when nothing changed). */
  history: HistoryEntryT | null;
}

function decide(action: ReleaseAction, order: ReleaseOrder, opts: ActionOptions, ref: string): Decision {
  switch (action) {
    case 'confirm':
      return decideConfirm(order, opts.batch, ref);
    case 'pause':
      return decidePause(order, true);
    case 'resume':
      return decidePause(order, false);
    case 'rollback':
      return decideRollback(order);
  }
}

/** The JSON patch of the spec fields a decision sets, guarded by the resourceVersion the decision was made on. */
export function specPatch(order: ReleaseOrder, set: NonNullable<Decision['set']>): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [{ op: 'test', path: '/metadata/resourceVersion', value: order.metadata.resourceVersion }];
  for (const [field, value] of Object.entries(set)) if (value !== undefined) ops.push({ op: 'add', path: `/spec/${field}`, value });
  return ops;
}

/**
 * Runs one action on the order NAME designates: decide from the order as read, patch its spec (guarded; on a
 * race re-read and decide again), then append {at, by, action, batch, message} to its status.history.
 */
export async function runReleaseAction(s: Session, action: ReleaseAction, name: string, opts: ActionOptions): Promise<ActionResult> {
  const [resolved, identity] = await Promise.all([resolveTarget(s.client, s.namespace, name), whoAmI(s.client, s.kc)]);
  if (resolved.note) process.stderr.write(resolved.note + '\n');
  const ns = s.namespace;
  const orderName = resolved.order.metadata.name ?? '';
  const ref = name + (ns !== s.defaultNamespace ? ` -n ${ns}` : '');
  const { order, result: decision, written } = await guardedPatch(
    s.client,
    ns,
    orderName,
    (o) => {
      const d = decide(action, o, opts, ref);
      return d.set ? { patch: specPatch(o, d.set), result: d } : { patch: undefined, result: d };
    },
    { initial: resolved.order },
  );
  let entry: HistoryEntryT | null = null;
  let stored = order;
  if (written) {
    entry = historyEntry(new Date(), identity.user, HISTORY_ACTIONS[action], {
      ...(decision.batch !== undefined ? { batch: decision.batch } : {}),
      message: decision.message,
    });
    try {
      stored = await recordHistory(s.client, ns, orderName, entry, order);
    } catch (err) {
      process.stderr.write(`warning: the spec of release order ${ns}/${orderName} was changed, but the history entry could not be written\n`);
      throw err;
    }
  }
  return {
    kind: 'ReleaseAction',
    action,
    namespace: ns,
    releaseOrder: orderName,
    resolvedFrom: resolved.resolvedFrom,
    target: { kind: stored.spec.target.kind ?? 'CellDeployment', name: stored.spec.target.name },
    changed: written,
    message: decision.message,
    batch: decision.batch === undefined ? null : { index: decision.batch, number: decision.batch + 1 },
    spec: { confirmedBatches: stored.spec.confirmedBatches ?? 0, paused: stored.spec.paused === true, rollback: stored.spec.rollback === true },
    phase: stored.status?.phase ?? 'Pending',
    by: written ? identity : null,
    history: entry,
  };
}

/** The result as printed: one or two lines for a person, or the JSON/YAML document. */
export function renderActionResult(r: ActionResult, output: OutputFormat): string {
  if (output === 'json') return JSON.stringify(r, null, 2) + '\n';
  if (output === 'yaml') return stringify(r);
  if (output === 'name') return `releaseorder.apps.plinth.dev/${r.releaseOrder}\n`;
  const head = `${describeResolved(r)}: ${r.message}`;
  if (!r.changed) return `${head} (nothing changed)\n`;
  return `${head}\nrecorded in its history: ${r.history?.action ?? ''} by ${r.by?.user ?? 'unknown'}\n`;
}
