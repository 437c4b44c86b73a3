import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FleetDeliverySpecT, FleetDeliveryStatusT } from '../../api/index.js';
import { planRollout, type RolloutOutput } from './rollout.js';
import type { ClusterDeliveryView, MemberView, SourceView } from './types.js';
import { appendFleetHistory, fleetHistoryEntry } from './history.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const URL = 'https://hub:9443';

/** A tiny world: the delivery, its ClusterDeliveries and agents that apply what they are given. */
class World {
  spec: FleetDeliverySpecT;
  status: FleetDeliveryStatusT | undefined;
  cds = new Map<string, ClusterDeliveryView>();
  members: MemberView[];
  source: SourceView = { found: true, commit: 'c1', digest: D1 };
  now = new Date('2026-01-01T00:00:00Z');
  /** Every sequence each cluster was given, in order. */
  given = new Map<string, number[]>();
  last!: RolloutOutput;
  constructor(spec: Partial<FleetDeliverySpecT>, names: string[]) {
    this.spec = { sourceRef: { name: 'src' }, path: 'app', placement: { clusterSelector: {} }, prune: true, drift: 'Correct', suspend: false, paused: false, confirmedWaves: [], ...spec };
    this.members = names.map((n) => ({ name: n, labels: { tier: n.startsWith('e') ? 'edge' : 'province' }, accepted: true, connected: { status: 'True' } }));
  }
  step(seconds = 1): RolloutOutput {
    this.now = new Date(this.now.getTime() + seconds * 1000);
    const out = planRollout({
      delivery: { namespace: 'ns', name: 'app', uid: 'u1', generation: 1, spec: this.spec, status: this.status },
      source: this.source,
      members: this.members,
      deliveries: [...this.cds.values()],
      artifactURL: URL,
      now: this.now,
    });
    this.last = out;
    this.status = out.status;
    if (out.pause) this.spec = { ...this.spec, paused: true };
    if (out.clearConfirmations) this.spec = { ...this.spec, confirmedWaves: [] };
    for (const u of out.upserts) {
      const old = this.cds.get(u.cluster);
      assert.ok(!old || u.spec.sequence >= old.spec.sequence, `sequence of ${u.cluster} went down`);
      this.cds.set(u.cluster, { cluster: u.cluster, spec: u.spec, ...(old?.status ? { status: old.status } : {}) });
      this.given.set(u.cluster, [...(this.given.get(u.cluster) ?? []), u.spec.sequence]);
    }
    for (const c of out.deletes) this.cds.delete(c);
    return out;
  }
  /** The agents: every cluster applies its desired state (healthy unless told otherwise). */
  agents(health: Record<string, 'Healthy' | 'Degraded'> = {}): void {
    for (const cd of this.cds.values()) cd.status = { appliedSequence: cd.spec.sequence, appliedRevision: cd.spec.revision, health: health[cd.cluster] ?? 'Healthy' };
  }
  wave(name: string): string | undefined {
    return this.status?.waves?.find((w) => w.name === name)?.phase;
  }
  revisions(): Record<string, string> {
    return Object.fromEntries([...this.cds.values()].map((c) => [c.cluster, c.spec.revision]));
  }
}

const threeWaves = (extra: Partial<NonNullable<FleetDeliverySpecT['rollout']>> = {}): FleetDeliverySpecT['rollout'] => ({
  onFailure: 'Pause',
  disconnectedDeadlineSeconds: 300,
  waves: [
    { name: 'canary', clusterNames: ['p1'], maxFailures: 0, soakSeconds: 0, needConfirm: false },
    { name: 'provinces', clusterSelector: { matchLabels: { tier: 'province' } }, maxFailures: 0, soakSeconds: 10, needConfirm: true, maxConcurrent: 1 },
    { name: 'edges', clusterSelector: { matchLabels: { tier: 'edge' } }, maxFailures: 1, soakSeconds: 0, needConfirm: false },
  ],
  ...extra,
});

test('three waves: canary first, the second waits for confirmation, moves one at a time and soaks', () => {
  const w = new World({ rollout: threeWaves() }, ['p1', 'p2', 'p3', 'e1', 'e2']);
  w.step();
  assert.equal(w.status?.revision, 'c1');
  assert.equal(w.status?.sequence, 1);
  assert.deepEqual(Object.keys(w.revisions()), ['p1']);
  assert.equal(w.wave('canary'), 'Progressing');
  w.agents();
  w.step();
  assert.equal(w.wave('canary'), 'Succeeded');
  assert.equal(w.wave('provinces'), 'WaitingForConfirm');
  assert.equal(w.status?.phase, 'WaitingForConfirm');
  assert.equal(w.cds.size, 1, 'nothing moves before the confirmation');
  w.spec.confirmedWaves = ['provinces'];
  w.step();
  assert.deepEqual(Object.keys(w.revisions()).sort(), ['p1', 'p2'], 'maxConcurrent 1');
  w.agents();
  w.step();
  assert.deepEqual(Object.keys(w.revisions()).sort(), ['p1', 'p2', 'p3']);
  w.agents();
  w.step();
  assert.equal(w.wave('provinces'), 'Soaking');
  assert.equal(w.cds.size, 3, 'the edges wait for the soak');
  assert.ok((w.last.requeueAfterMs ?? 0) > 0);
  w.step(11);
  assert.equal(w.wave('provinces'), 'Succeeded');
  assert.equal(w.wave('edges'), 'Progressing');
  assert.equal(w.cds.size, 5);
  w.agents();
  w.step();
  assert.equal(w.status?.phase, 'Succeeded');
  assert.deepEqual(w.status?.clusters, { placed: 5, applied: 5, healthy: 5, failed: 0, disconnected: 0 });
  assert.deepEqual(w.status?.history?.map((h) => h.action), [
    'RolloutStarted', 'WaveStarted', 'WaveSucceeded', 'WaitingForConfirm', 'WaveStarted', 'WaveSucceeded', 'WaveStarted', 'WaveSucceeded', 'Succeeded',
  ]);
  // Settled: another pass writes nothing.
  const again = w.step();
  assert.equal(again.upserts.length + again.deletes.length, 0);
});

test('a new revision clears old confirmations first, then rolls from the first wave with a higher sequence', () => {
  const w = new World({ rollout: threeWaves() }, ['p1', 'p2', 'e1']);
  w.spec.confirmedWaves = ['provinces'];
  assert.ok(w.step().clearConfirmations, 'a confirmation given before the rollout does not count');
  w.step();
  for (let i = 0; i < 6; i++) {
    if (w.wave('provinces') === 'WaitingForConfirm') w.spec.confirmedWaves = ['provinces'];
    w.agents();
    w.step(20);
  }
  assert.equal(w.status?.phase, 'Succeeded');
  w.source = { found: true, commit: 'c2', digest: D2 };
  const clear = w.step();
  assert.ok(clear.clearConfirmations);
  assert.equal(clear.upserts.length, 0);
  w.step();
  assert.equal(w.status?.revision, 'c2');
  assert.equal(w.status?.previousRevision, 'c1');
  assert.equal(w.status?.sequence, 2);
  assert.deepEqual(w.revisions(), { p1: 'c2', p2: 'c1', e1: 'c1' });
  w.agents();
  w.step();
  assert.equal(w.wave('provinces'), 'WaitingForConfirm', 'the old confirmation does not count');
});

test('more failures than maxFailures pause the delivery (spec.paused) and stop the waves', () => {
  const w = new World({ rollout: threeWaves() }, ['p1', 'p2']);
  w.step();
  w.agents({ p1: 'Degraded' });
  const out = w.step();
  assert.ok(out.pause);
  assert.equal(w.status?.phase, 'Paused');
  assert.equal(w.wave('canary'), 'Failed');
  assert.equal(w.status?.conditions?.find((c) => c.type === 'Degraded')?.status, 'True');
  assert.deepEqual(w.status?.failing, [{ cluster: 'p1', message: 'health Degraded' }]);
  const again = w.step();
  assert.ok(!again.pause, 'paused once');
  assert.equal(again.upserts.length, 0);
});

test('onFailure Rollback returns the clusters that moved to the previous revision with a higher sequence', () => {
  const w = new World({ rollout: threeWaves({ onFailure: 'Rollback' }) }, ['p1', 'p2', 'e1', 'e2']);
  w.spec.confirmedWaves = [];
  w.step();
  for (let i = 0; i < 8 && w.status?.phase !== 'Succeeded'; i++) {
    if (w.wave('provinces') === 'WaitingForConfirm') w.spec.confirmedWaves = ['provinces'];
    w.agents();
    w.step(20);
  }
  assert.equal(w.status?.phase, 'Succeeded');
  w.spec.confirmedWaves = [];
  w.source = { found: true, commit: 'c2', digest: D2 };
  w.step();
  w.agents();
  w.step();
  w.spec.confirmedWaves = ['provinces'];
  w.step();
  assert.deepEqual(w.revisions(), { p1: 'c2', p2: 'c2', e1: 'c1', e2: 'c1' });
  w.agents({ p2: 'Degraded' });
  w.step();
  assert.equal(w.status?.phase, 'RollingBack');
  assert.equal(w.status?.revision, 'c1');
  assert.equal(w.status?.rolledBackFrom, 'c2');
  assert.equal(w.status?.sequence, 3);
  assert.deepEqual(w.revisions(), { p1: 'c1', p2: 'c1', e1: 'c1', e2: 'c1' });
  assert.deepEqual(w.given.get('p2'), [1, 2, 3]);
  assert.deepEqual(w.given.get('e1'), [1], 'a cluster that never moved is not written');
  w.agents();
  w.step();
  assert.equal(w.status?.phase, 'RolledBack');
  // The source still points at the bad commit: nothing rolls again.
  const stay = w.step();
  assert.equal(stay.upserts.length, 0);
  assert.equal(w.status?.revision, 'c1');
});

test('a render error changes nothing on the clusters and says which file and line', () => {
  const w = new World({}, ['p1', 'p2']);
  w.step();
  w.agents();
  w.step();
  w.source = { found: true, commit: 'c2', error: 'app/deploy.yaml:7: bad indentation' };
  const out = w.step();
  assert.equal(out.upserts.length, 0);
  const c = w.status?.conditions?.find((x) => x.type === 'SourceReady');
  assert.equal(c?.status, 'False');
  assert.match(c?.message ?? '', /app\/deploy\.yaml:7/);
  assert.equal(w.status?.revision, 'c1');
});

test('a cluster removed from placement loses its ClusterDelivery; an unknown name is reported', () => {
  const w = new World({ placement: { clusterNames: ['p1', 'p2', 'ghost'] } }, ['p1', 'p2']);
  w.step();
  assert.equal(w.cds.size, 2);
  assert.match(w.status?.conditions?.find((c) => c.type === 'PlacementResolved')?.message ?? '', /ghost/);
  w.spec = { ...w.spec, placement: { clusterNames: ['p1'] } };
  const out = w.step();
  assert.deepEqual(out.deletes, ['p2']);
  assert.deepEqual([...w.cds.keys()], ['p1']);
});

test('a person\'s rollback goes to the previous revision; an unknown --to is refused and recorded', () => {
  const w = new World({}, ['p1']);
  w.step();
  w.agents();
  w.step();
  w.source = { found: true, commit: 'c2', digest: D2 };
  w.step();
  w.agents();
  w.step();
  assert.equal(w.status?.phase, 'Succeeded');
  w.spec = { ...w.spec, rollback: { toRevision: 'zzz', requestedAt: '2026-01-01T01:00:00Z' } };
  w.step();
  assert.equal(w.status?.history?.at(-1)?.action, 'RollbackRefused');
  assert.equal(w.status?.revision, 'c2');
  w.spec = { ...w.spec, rollback: { requestedAt: '2026-01-01T01:00:01Z' } };
  w.step();
  assert.equal(w.status?.revision, 'c1');
  assert.equal(w.cds.get('p1')?.spec.sequence, 3);
});

test('overrides follow each cluster and an override matching nothing is a condition', () => {
  const w = new World({ overrides: [{ clusterNames: ['e1'], replicas: 1 }, { clusterNames: ['nope'], replicas: 2 }] }, ['p1', 'e1']);
  w.step();
  assert.deepEqual(w.cds.get('e1')?.spec.overrides, [{ replicas: 1 }]);
  assert.equal(w.cds.get('p1')?.spec.overrides, undefined);
  assert.equal(w.status?.conditions?.find((c) => c.type === 'OverridesMatched')?.status, 'False');
  assert.equal(w.cds.get('e1')?.spec.artifact.url, `${URL}/artifacts/${D1}`);
});

test('a cluster disconnected past the deadline counts as failed', () => {
  const w = new World({ rollout: { onFailure: 'Pause', disconnectedDeadlineSeconds: 60 } }, ['p1', 'p2']);
  w.members[1]!.connected = { status: 'False', since: '2026-01-01T00:00:00Z' };
  w.step();
  assert.equal(w.status?.clusters?.disconnected, 1);
  assert.equal(w.status?.clusters?.failed, 0);
  w.agents();
  w.cds.get('p2')!.status = {};
  w.step(120);
  assert.equal(w.status?.clusters?.failed, 1);
  assert.equal(w.status?.phase, 'Paused');
});

test('history is append-only and bounded with a note of what was dropped', () => {
  const now = new Date();
  let h = appendFleetHistory([], [], now, 5);
  for (let i = 0; i < 7; i++) h = appendFleetHistory(h, [fleetHistoryEntry(now, 'u', `A${i}`)], now, 5);
  assert.equal(h.length, 5);
  assert.equal(h[0]!.action, 'HistoryTruncated');
  assert.match(h[0]!.message ?? '', /^3 older/);
  assert.deepEqual(h.slice(1).map((e) => e.action), ['A3', 'A4', 'A5', 'A6']);
});

test('suspend marks every ClusterDelivery suspended without a new sequence, and nothing else moves', () => {
  const w = new World({}, ['p1', 'p2']);
  w.step();
  w.agents();
  w.step();
  w.spec = { ...w.spec, suspend: true };
  w.source = { found: true, commit: 'c2', digest: D2 };
  w.step();
  assert.equal(w.status?.phase, 'Suspended');
  assert.deepEqual([...w.cds.values()].map((c) => [c.spec.suspend, c.spec.sequence, c.spec.revision]), [[true, 1, 'c1'], [true, 1, 'c1']]);
  w.spec = { ...w.spec, suspend: false };
  w.step();
  assert.equal(w.status?.revision, 'c2');
  assert.ok([...w.cds.values()].every((c) => !c.spec.suspend));
});

test('a cluster placed into a wave that already succeeded moves at once; one placed into a later wave waits', () => {
  const w = new World({ rollout: threeWaves() }, ['p1', 'p2', 'e1']);
  w.step();
  w.agents();
  w.step();
  assert.equal(w.wave('provinces'), 'WaitingForConfirm');
  w.members.push({ name: 'p0', labels: {}, accepted: true }, { name: 'e9', labels: { tier: 'edge' }, accepted: true });
  const r = threeWaves()!;
  w.spec = { ...w.spec, rollout: { ...r, waves: r.waves!.map((x) => (x.name === 'canary' ? { ...x, clusterNames: ['p1', 'p0'] } : x)) } };
  w.step();
  assert.equal(w.cds.get('p0')?.spec.revision, 'c1');
  assert.equal(w.cds.get('e9'), undefined);
});
