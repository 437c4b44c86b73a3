import type { ClusterDeliverySpecT, FleetDeliveryStatusT } from '../../api/index.js';
import { setCondition, type Condition } from '../../kube/status.js';
import { advanceWaves, type WaveStatusT } from './advance.js';
import { aggregate } from './aggregate.js';
import { clusterState, type ClusterState } from './cluster-state.js';
import { desiredContent, rolloutHash, syncFieldsDiffer, type DesiredContent } from './desired.js';
import { appendFleetHistory, fleetHistoryEntry, type FleetHistoryEntryT } from './history.js';
import { selectOverrides } from './override-select.js';
import { place } from './placement.js';
import { decideTarget, previousTarget, type Target } from './target.js';
import { SYSTEM_ACTOR, type ClusterDeliveryView, type DeliveryView, type MemberView, type PlannedEvent, type SourceView } from './types.js';
import { planWaves } from './waves.js';

export interface RolloutInput {
  delivery: DeliveryView;
  source: SourceView;
  members: readonly MemberView[];
  /** The delivery's existing ClusterDeliveries (any cluster). */
  deliveries: readonly ClusterDeliveryView[];
  /** `artifactURL` of the hub-info ConfigMap; without it no ClusterDelivery is written. */
  artifactURL?: string;
  now: Date;
}

/** A ClusterDelivery to create or update. */
export interface Upsert {
  cluster: string;
  spec: ClusterDeliverySpecT;
}

export interface RolloutOutput {
  status: FleetDeliveryStatusT;
  upserts: Upsert[];
  /** Clusters whose ClusterDelivery is deleted (no longer placed). */
  deletes: string[];
  events: PlannedEvent[];
  requeueAfterMs?: number;
  /** onFailure Pause: set spec.paused (as `plinth fleet rollout pause` would). */
  pause: boolean;
  /**
   * A new rollout starts while spec.confirmedWaves holds the previous rollout's confirmations: clear them first
   * (nothing else is decided in this pass), so no wave of the new rollout passes on an old confirmation.
   */
  clearConfirmations: boolean;
}

const ROLLBACK_PHASES = new Set(['RollingBack', 'RolledBack']);

/**
 * Pure: one reconcile of a FleetDelivery. Decides the target (new revision, rollback, or the same), the waves'
 * progress, which ClusterDeliveries to write (only clusters whose wave may move get the new desired state, each
 * with a sequence above any it had) or delete, the status (phase, waves, counts, failing, conditions,
 * history) and the events.
 */
export function planRollout(inp: RolloutInput): RolloutOutput {
  const d = inp.delivery;
  const now = inp.now;
  const prev = d.status ?? {};
  const st: FleetDeliveryStatusT = { ...prev, observedGeneration: d.generation ?? prev.observedGeneration };
  const history: FleetHistoryEntryT[] = [];
  const events: PlannedEvent[] = [];
  const out: RolloutOutput = { status: st, upserts: [], deletes: [], events, pause: false, clearConfirmations: false };
  let conds: Condition[] = (prev.conditions ?? []);
  const cond = (type: string, ok: boolean, reason: string, message: string): void => {
    conds = setCondition(conds, { type, status: ok ? 'True' : 'False', reason, message: message.slice(0, 1000), observedGeneration: d.generation }, now);
  };
  const record = (action: string, message: string, type: 'Normal' | 'Warning' = 'Normal', wave?: string): void => {
    history.push(fleetHistoryEntry(now, SYSTEM_ACTOR, action, { message, ...(wave ? { wave } : {}) }));
    events.push({ type, reason: action, message });
  };

  // Where, with what, from which source.
  const placement = place(d.spec.placement, inp.members);
  const placedNames = new Set(placement.placed.map((m) => m.name));
  const missing = [...placement.unknown.map((n) => `${n} (no such MemberCluster)`), ...placement.notAccepted.map((n) => `${n} (not accepted)`)];
  if (missing.length > 0) cond('PlacementResolved', false, 'UnknownClusters', `clusterNames not placed: ${missing.join(', ')}`);
  else cond('PlacementResolved', true, 'Placed', `${placement.placed.length} cluster(s) placed`);
  const overrides = selectOverrides(d.spec.overrides, placement.placed);
  if (overrides.unmatched.length > 0) cond('OverridesMatched', false, 'OverrideMatchesNothing', `${overrides.unmatched.map((i) => `overrides[${i}]`).join(', ')} match(es) no placed cluster`);
  else cond('OverridesMatched', true, 'Matched', 'every override matches a placed cluster');
  const src = inp.source;
  if (!src.found) cond('SourceReady', false, 'SourceNotFound', `GitSource ${d.namespace}/${d.spec.sourceRef.name} does not exist`);
  else if (src.error) cond('SourceReady', false, 'RenderFailed', `path "${d.spec.path ?? ''}" at ${src.commit ?? '(unknown commit)'} did not render: ${src.error}; the clusters keep running ${prev.revision ?? 'what they run'}`);
  else if (!src.digest) cond('SourceReady', false, 'ArtifactPending', `GitSource ${d.spec.sourceRef.name} has no artifact for path "${d.spec.path ?? ''}" yet`);
  else cond('SourceReady', true, 'ArtifactReady', `revision ${src.commit ?? ''} artifact ${src.digest}`);
  if (inp.artifactURL) cond('HubInfoReady', true, 'Found', `artifacts served at ${inp.artifactURL}`);
  else cond('HubInfoReady', false, 'HubInfoMissing', 'the hub-info ConfigMap has no artifactURL yet (the fleet server publishes it); no cluster is changed until it does');

  out.deletes = inp.deliveries.filter((cd) => !placedNames.has(cd.cluster)).map((cd) => cd.cluster).sort();
  const byCluster = new Map(inp.deliveries.filter((cd) => placedNames.has(cd.cluster)).map((cd) => [cd.cluster, cd]));
  const members = new Map(inp.members.map((m) => [m.name, m]));
  const maxSeq = Math.max(prev.sequence ?? 0, ...inp.deliveries.map((cd) => cd.spec.sequence));

  const finish = (): RolloutOutput => {
    st.conditions = conds as FleetDeliveryStatusT['conditions'];
    if (history.length > 0) st.history = appendFleetHistory(prev.history, history, now);
    return out;
  };

  if (d.spec.suspend) {
    if (prev.phase !== 'Suspended') record('Suspended', 'spec.suspend is true: no cluster changes; agents stop applying');
    st.phase = 'Suspended';
    for (const cd of byCluster.values()) if (!cd.spec.suspend) out.upserts.push({ cluster: cd.cluster, spec: { ...cd.spec, suspend: true } });
    cond('Ready', false, 'Suspended', 'the delivery is suspended');
    return finish();
  }

  // The target: a person's rollback, a new revision, a changed spec, or the same.
  const decision = decideTarget(d, src);
  const startRollback = (to: Target, message: string, requestedAt?: string): void => {
    st.rolledBackFrom = st.revision;
    st.revision = to.revision;
    st.digest = to.digest;
    st.sequence = Math.max(maxSeq, st.sequence ?? 0) + 1;
    st.rolloutHash = rolloutHash(d.spec, to.digest);
    st.phase = 'RollingBack';
    st.waves = [];
    if (requestedAt) st.rollbackHandledAt = requestedAt;
    record('RollbackStarted', `${message}: every cluster that moved returns to ${to.revision} (sequence ${st.sequence})`, 'Warning');
  };
  if (decision.kind === 'rollout') {
    if ((d.spec.confirmedWaves ?? []).length > 0) {
      out.clearConfirmations = true;
      out.status = prev;
      return out;
    }
    const settled = prev.phase === 'Succeeded' || prev.phase === 'RolledBack';
    if (settled && prev.revision && prev.digest && prev.revision !== decision.to.revision) {
      st.previousRevision = prev.revision;
      st.previousDigest = prev.digest;
    }
    st.revision = decision.to.revision;
    st.digest = decision.to.digest;
    st.sequence = maxSeq + 1;
    st.rolloutHash = rolloutHash(d.spec, decision.to.digest);
    st.phase = 'Progressing';
    st.waves = [];
    delete st.rolledBackFrom;
    const known = (prev.revisions ?? []).filter((r) => r.revision !== decision.to.revision);
    st.revisions = [...known, { revision: decision.to.revision, digest: decision.to.digest }].slice(-10);
    record('RolloutStarted', `${decision.message}: sequence ${st.sequence}`);
  } else if (decision.kind === 'rollback') {
    startRollback(decision.to, decision.message, decision.requestedAt);
  } else if (decision.kind === 'rollbackRefused') {
    st.rollbackHandledAt = decision.requestedAt;
    record('RollbackRefused', decision.message, 'Warning');
  }

  if (!st.revision || !st.digest) {
    st.phase = 'Pending';
    Object.assign(st, aggregate([], placement.placed.length));
    cond('Ready', false, 'Pending', 'nothing to deliver yet: the source has no artifact for this path');
    return finish();
  }

  const baseUrl = inp.artifactURL ?? '';
  const plans = planWaves(d.spec.rollout?.waves, placement.placed);
  const deadline = d.spec.rollout?.disconnectedDeadlineSeconds ?? 300;
  let wants = new Map<string, DesiredContent>();
  let states = new Map<string, ClusterState>();
  const classify = (): void => {
    const target = { revision: st.revision!, digest: st.digest! };
    wants = new Map(placement.placed.map((m) => [m.name, desiredContent(d, target, overrides.byCluster.get(m.name) ?? [], baseUrl)]));
    states = new Map(placement.placed.map((m) => [m.name, clusterState(m.name, members.get(m.name), byCluster.get(m.name), wants.get(m.name), deadline, now)]));
  };
  classify();

  let move: string[] = [];
  let degraded: string | undefined;
  const rollbackMode = (): void => {
    const all = [...states.values()];
    move = all.filter((s) => !s.atTarget).map((s) => s.cluster);
    st.waves = plans.map((p): WaveStatusT => {
      const done = p.clusters.every((c) => states.get(c)?.healthy);
      return { name: p.name, phase: done ? 'RolledBack' : 'Progressing', revision: st.revision, clusters: p.clusters.length };
    });
    if (all.every((s) => s.healthy)) {
      if (st.phase !== 'RolledBack') record('RolledBack', `every cluster runs ${st.revision} again`);
      st.phase = 'RolledBack';
    } else st.phase = 'RollingBack';
  };

  if (ROLLBACK_PHASES.has(st.phase ?? '')) rollbackMode();
  else {
    const adv = advanceWaves({
      plans,
      states,
      previous: st.waves ?? [],
      confirmed: new Set(d.spec.confirmedWaves ?? []),
      paused: d.spec.paused ?? false,
      revision: st.revision,
      now,
    });
    history.push(...adv.history);
    for (const h of adv.history) events.push({ type: 'Normal', reason: h.action, message: h.message ?? h.action });
    st.waves = adv.waves;
    move = adv.move;
    if (adv.requeueAfterMs !== undefined) out.requeueAfterMs = adv.requeueAfterMs;
    if (adv.failure) {
      degraded = adv.failure.message;
      const back = previousTarget(st);
      if (d.spec.rollout?.onFailure === 'Rollback' && back && back.revision !== st.revision) {
        startRollback(back, `onFailure Rollback: ${adv.failure.message}`);
        classify();
        rollbackMode();
      } else {
        const why = d.spec.rollout?.onFailure === 'Rollback' ? `${adv.failure.message} (onFailure Rollback, but there is no previous revision: paused instead)` : adv.failure.message;
        if (!d.spec.paused) {
          out.pause = true;
          record('Paused', `${why}; resume with \`plinth fleet rollout resume\` once fixed, or roll back`, 'Warning', adv.failure.wave);
        }
        st.phase = 'Paused';
        degraded = why;
      }
    } else {
      if (adv.phase === 'Succeeded' && prev.phase !== 'Succeeded') record('Succeeded', `every wave succeeded: revision ${st.revision} runs on ${placement.placed.length} cluster(s)`);
      st.phase = adv.phase === 'Failed' ? 'Failed' : adv.phase;
    }
  }
  if (degraded) cond('Degraded', true, 'MaxFailuresExceeded', degraded);
  else cond('Degraded', false, 'WithinLimits', 'no wave has more failed clusters than it tolerates');

  // Writes: moves (a new desired state, with a sequence above any the cluster had) and in-place syncs.
  if (inp.artifactURL) {
    const seq = st.sequence ?? maxSeq;
    let bumped: number | undefined;
    const moving = new Set(move);
    for (const m of placement.placed) {
      const want = wants.get(m.name)!;
      const cd = byCluster.get(m.name);
      const s = states.get(m.name)!;
      if (moving.has(m.name)) {
        let n = seq;
        if (cd && cd.spec.sequence >= seq) {
          bumped ??= Math.max(maxSeq, seq) + 1;
          n = bumped;
        }
        out.upserts.push({ cluster: m.name, spec: { ...want, sequence: n } });
      } else if (cd && s.atTarget && syncFieldsDiffer(cd.spec, want)) {
        out.upserts.push({ cluster: m.name, spec: { ...want, sequence: cd.spec.sequence } });
      }
    }
    if (bumped !== undefined) st.sequence = bumped;
  }

  Object.assign(st, aggregate([...states.values()], placement.placed.length));
  const phase = st.phase ?? 'Pending';
  if (phase === 'Succeeded' || phase === 'RolledBack') cond('Ready', true, phase, `revision ${st.revision} runs on every placed cluster`);
  else cond('Ready', false, phase, `${phase}: ${st.clusters?.healthy ?? 0}/${placement.placed.length} clusters healthy on ${st.revision}`);
  return finish();
}
