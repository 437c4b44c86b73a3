import type { FleetDelivery } from '../../api/index.js';
import type { Session } from '../../kube/client.js';
import { rfc3339Micro } from '../../kube/clock.js';
import { whoAmI, type Identity } from '../../kube/identity.js';
import { formatOutput, type OutputFormat } from '../../term/output.js';
import { fleetHistoryEntry, type FleetHistoryEntryT } from '../delivery/history.js';
import { decideConfirm, decidePause, decideRollback, FLEET_HISTORY_ACTIONS, type FleetAction, type FleetDecision } from './decide.js';
import { getDeliveryOrFail, guardedPatch, recordFleetHistory, type JsonPatchOp } from './record.js';

/** The JSON of `plinth fleet rollout confirm|pause|resume|rollback -o json`. */
export interface FleetActionResult {
  kind: 'FleetRolloutAction';
  action: FleetAction;
  namespace: string;
  delivery: string;
  /** false: the delivery already was that way; nothing was written or recorded. */
  changed: boolean;
  message: string;
  wave: string | null;
  spec: { confirmedWaves: string[]; paused: boolean; rollback: { toRevision?: string; requestedAt: string } | null };
  phase: string;
  revision: string | null;
  by: Identity | null;
  history: FleetHistoryEntryT | null;
}

/** The guarded spec patch of a decision. */
export function specPatch(fd: FleetDelivery, set: NonNullable<FleetDecision['set']>): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [{ op: 'test', path: '/metadata/resourceVersion', value: fd.metadata.resourceVersion }];
  for (const [field, value] of Object.entries(set)) if (value !== undefined) ops.push({ op: 'add', path: `/spec/${field}`, value });
  return ops;
}

function decide(action: FleetAction, fd: FleetDelivery, ref: string, to: string | undefined, now: Date): FleetDecision {
  switch (action) {
    case 'confirm':
      return decideConfirm(fd, ref);
    case 'pause':
      return decidePause(fd, true);
    case 'resume':
      return decidePause(fd, false);
    case 'rollback':
      return decideRollback(fd, to, rfc3339Micro(now));
  }
}

/**
 * One action on the FleetDelivery NAME: decide from the delivery as read, patch its spec (guarded by the
 * resourceVersion; on a race read again and decide again), then append {at, by, action, wave, message} to its
 * status.history with the caller's identity (SelfSubjectReview, else the kubeconfig's user).
 */
export async function runFleetAction(s: Session, action: FleetAction, name: string, opts: { to?: string } = {}): Promise<FleetActionResult> {
  const ns = s.namespace;
  const [initial, identity] = await Promise.all([getDeliveryOrFail(s.client, ns, name), whoAmI(s.client, s.kc)]);
  const ref = name + (ns !== s.defaultNamespace ? ` -n ${ns}` : '');
  const now = new Date();
  const { fd, result: decision, written } = await guardedPatch(
    s.client,
    ns,
    name,
    (o) => {
      const d = decide(action, o, ref, opts.to, now);
      return { patch: d.set ? specPatch(o, d.set) : undefined, result: d };
    },
    initial,
  );
  let entry: FleetHistoryEntryT | null = null;
  let stored = fd;
  if (written) {
    entry = fleetHistoryEntry(now, identity.user, FLEET_HISTORY_ACTIONS[action], { ...(decision.wave ? { wave: decision.wave } : {}), message: decision.message });
    try {
      stored = await recordFleetHistory(s.client, ns, name, entry, now, fd);
    } catch (err) {
      process.stderr.write(`warning: the spec of fleet delivery ${ns}/${name} was changed, but the history entry could not be written\n`);
      throw err;
    }
  }
  return {
    kind: 'FleetRolloutAction',
    action,
    namespace: ns,
    delivery: name,
    changed: written,
    message: decision.message,
    wave: decision.wave ?? null,
    spec: { confirmedWaves: stored.spec.confirmedWaves ?? [], paused: stored.spec.paused === true, rollback: stored.spec.rollback ?? null },
    phase: stored.status?.phase ?? 'Pending',
    revision: stored.status?.revision ?? null,
    by: written ? identity : null,
    history: entry,
  };
}

/** The result as printed: a line or two for a person, or the JSON/YAML document. */
export function renderFleetActionResult(r: FleetActionResult, output: OutputFormat): string {
  const head = `fleetdelivery ${r.namespace}/${r.delivery}: ${r.message}`;
  return formatOutput(
    output,
    r,
    () => `fleetdelivery.fleet.plinth.dev/${r.delivery}\n`,
    () => (r.changed ? `${head}\nrecorded in its history: ${r.history?.action ?? ''} by ${r.by?.user ?? 'unknown'}\n` : `${head} (nothing changed)\n`),
  );
}
