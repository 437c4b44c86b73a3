import { podRevision } from '../pod/state.js';
import { unitTargets } from '../plan/index.js';
import { setComplete } from './bluegreen.js';
import { verdictKey, type Emit, type ProgressInput, type ProgressOutput, type Say } from './progress-types.js';
import { rfc3339 } from '../../kube/clock.js';


/**
 * Pure: a blue-green rollback (the switch back). The blue set is completed again on fromRevision (the
 * CellDeployment controller recreates what was removed); then the active Service moves back to fromRevision
 * (hook `switchBack`, history SwitchedBack) — unless the green set never started, when the Service was never
 * moved; then the CellDeployment controller drains and deletes the green pods; RolledBack when none is left.
 */
export function blueGreenRollback(input: ProgressInput, out: ProgressOutput, say: Say, event: Emit): ProgressOutput {
  const { cd, order, now } = input;
  const s = out.status;
  const from = order.spec.fromRevision;
  const b = s.batches?.[0];
  s.currentBatch = 0;
  if (!setComplete(input.pods, from, unitTargets(cd.spec))) return out;
  const moved = b?.startedAt !== undefined;
  const back = (s.history ?? []).some((h) => h.action === 'SwitchedBack');
  if (moved && !back) {
    const v = input.verdicts?.get(verdictKey('switchBack', 0));
    if (!v) {
      out.needs = { check: 'switchBack', batch: 0 };
      return out;
    }
    if (v.result === 'Failed') {
      // Nothing else can be done without the Service: say why once, and try again.
      if (!(s.history ?? []).some((h) => h.action === 'SwitchBackFailed')) say('SwitchBackFailed', 0, v.message);
      out.requeueAfterMs = 10_000;
      return out;
    }
    const svc = cd.spec.strategy?.blueGreen?.activeService ?? '';
    const msg = `Service ${svc} switched back to revision ${from}`;
    say('SwitchedBack', 0, msg);
    event('SwitchedBack', msg, 'Warning');
  }
  if (input.pods.some((p) => podRevision(p) !== from)) return out;
  if (b && b.phase !== 'RolledBack') {
    b.phase = 'RolledBack';
    b.finishedAt = rfc3339(now);
  }
  s.phase = 'RolledBack';
  const msg = `every pod runs revision ${from} again`;
  say('RolledBack', undefined, msg);
  event('RolledBack', msg);
  return out;
}
