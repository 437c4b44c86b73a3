import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeApiError } from './api-error.js';
import { FakeClock } from './clock.js';
import { LeaderElector, type LeaseLock, type LeaseRecord } from './leader.js';

/** An in-memory Lease with optimistic concurrency, shared by several electors. */
class MemoryLease {
  record: LeaseRecord | undefined;
  version = 0;
  writes: Array<{ at: number; holder: string | undefined }> = [];
  constructor(private readonly clock: FakeClock) {}

  lockFor(link: { mode: 'ok' | 'fail' | 'hang' }): LeaseLock {
    const gate = <T>(signal: AbortSignal, fn: () => T): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        if (link.mode === 'fail') return reject(new Error('network down'));
        if (link.mode === 'hang') {
          signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
          return;
        }
        // Answer asynchronously, like a real request.
        setImmediate(() => {
          try {
            resolve(fn());
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      });
    const conflict = (): KubeApiError => new KubeApiError({ status: 409, reason: 'Conflict', verb: 'update', target: 'lease' });
    return {
      description: 'lease test/l',
      get: (signal) => gate(signal, () => (this.record ? { record: { ...this.record }, version: String(this.version) } : undefined)),
      create: (record, signal) =>
        gate(signal, () => {
          if (this.record) throw new KubeApiError({ status: 409, reason: 'AlreadyExists', verb: 'create', target: 'lease' });
          return this.write(record);
        }),
      update: (record, version, signal) =>
        gate(signal, () => {
          if (String(this.version) !== version) throw conflict();
          return this.write(record);
        }),
    };
  }

  private write(record: LeaseRecord): string {
    this.record = { ...record };
    this.version++;
    this.writes.push({ at: this.clock.now(), holder: record.holderIdentity });
    return String(this.version);
  }
}

interface Tracked {
  elector: LeaderElector;
  link: { mode: 'ok' | 'fail' | 'hang' };
  ac: AbortController;
  terms: Array<{ start: number; end?: number }>;
  run: Promise<void>;
}

const timing = { leaseDurationMs: 6000, renewDeadlineMs: 4000, retryPeriodMs: 500 };
const credit = (timing.leaseDurationMs - timing.renewDeadlineMs) / 2;

function start(lease: MemoryLease, clock: FakeClock, identity: string, holderIsDead?: (id: string) => boolean): Tracked {
  const link = { mode: 'ok' as 'ok' | 'fail' | 'hang' };
  const ac = new AbortController();
  const terms: Array<{ start: number; end?: number }> = [];
  const elector = new LeaderElector({
    lock: lease.lockFor(link),
    identity,
    ...timing,
    clock,
    random: () => 0.5,
    ...(holderIsDead ? { holderIsDead } : {}),
    onStartedLeading: (signal) => {
      const term: { start: number; end?: number } = { start: clock.now() };
      terms.push(term);
      signal.addEventListener('abort', () => {
        term.end = clock.now();
      });
    },
  });
  return { elector, link, ac, terms, run: elector.run(ac.signal) };
}

/** Assert that leadership terms never overlap. */
function assertExclusive(a: Tracked, b: Tracked): void {
  for (const x of a.terms) {
    for (const y of b.terms) {
      const xEnd = x.end ?? Infinity;
      const yEnd = y.end ?? Infinity;
      assert.ok(xEnd <= y.start || yEnd <= x.start, `terms overlap: [${x.start},${xEnd}] and [${y.start},${yEnd}]`);
    }
  }
}

void test('exactly one of two electors leads, and keeps leading while it renews', async () => {
  const clock = new FakeClock();
  const lease = new MemoryLease(clock);
  const a = start(lease, clock, 'a');
  const b = start(lease, clock, 'b');
  await clock.advance(60_000);
  const leaders = [a, b].filter((t) => t.elector.isLeader());
  assert.equal(leaders.length, 1);
  assert.equal(a.terms.length + b.terms.length, 1, 'no leadership changes');
  assert.equal(lease.record?.holderIdentity, leaders[0] === a ? 'a' : 'b');
  assertExclusive(a, b);
  a.ac.abort();
  b.ac.abort();
  await clock.advance(10_000);
  await Promise.all([a.run, b.run]);
});

void test('when the leader dies, the other takes over within leaseDuration of its last renewal, after its deadline', async () => {
  const clock = new FakeClock();
  const lease = new MemoryLease(clock);
  const a = start(lease, clock, 'a');
  await clock.advance(100);
  const b = start(lease, clock, 'b');
  await clock.advance(10_000);
  assert.ok(a.elector.isLeader());
  // "Kill" a: its requests hang forever from now on.
  a.link.mode = 'hang';
  const lastRenewal = lease.writes.filter((w) => w.holder === 'a').at(-1)!.at;
  await clock.advance(20_000);
  assert.ok(b.elector.isLeader());
  assert.ok(!a.elector.isLeader());
  const took = b.terms[0]!.start - lastRenewal;
  assert.ok(took <= timing.leaseDurationMs, `takeover ${took} ms after the last renewal (lease ${timing.leaseDurationMs} ms)`);
  assert.ok(took >= timing.renewDeadlineMs + credit, `not before the old leader's deadline plus margin (${took} ms)`);
  // a stepped down on its own before b started.
  assert.ok(a.terms[0]!.end !== undefined && a.terms[0]!.end <= lastRenewal + timing.renewDeadlineMs);
  assertExclusive(a, b);
  a.ac.abort();
  b.ac.abort();
  await clock.advance(10_000);
});

void test('a holder known dead (holderIsDead) is taken over at once; one not known dead is waited out', async () => {
  for (const dead of [true, false]) {
    const clock = new FakeClock();
    const lease = new MemoryLease(clock);
    // A fresh lease of a holder that never renews again (it died just after its renewal).
    lease.record = { holderIdentity: 'gone', leaseDurationSeconds: 6, renewTime: 'now', acquireTime: 'now', leaseTransitions: 3 };
    const asked: string[] = [];
    const t0 = clock.now();
    const b = start(lease, clock, 'b', (id) => {
      asked.push(id);
      return dead && id === 'gone';
    });
    await clock.advance(1_000);
    assert.deepEqual(asked.slice(0, 1), ['gone'], 'the check is asked about the holder');
    if (dead) {
      assert.ok(b.elector.isLeader(), 'took the dead holder\'s lease at the first attempt');
      assert.ok(b.terms[0]!.start - t0 <= 10, `leads at ${b.terms[0]!.start - t0} ms`);
      assert.equal(lease.record?.leaseTransitions, 4);
    } else {
      assert.ok(!b.elector.isLeader(), 'a holder not known dead keeps its lease until it runs out');
      await clock.advance(10_000);
      assert.ok(b.elector.isLeader());
      assert.ok(b.terms[0]!.start - t0 >= timing.renewDeadlineMs + credit, `took over at ${b.terms[0]!.start - t0} ms, after the lease ran out`);
    }
    b.ac.abort();
    await clock.advance(10_000);
    await b.run;
  }
});

void test('holderIsDead is never asked about this elector itself, and a throwing check counts as alive', async () => {
  const clock = new FakeClock();
  const lease = new MemoryLease(clock);
  lease.record = { holderIdentity: 'other', leaseDurationSeconds: 6, renewTime: 'now', acquireTime: 'now', leaseTransitions: 0 };
  const asked: string[] = [];
  const b = start(lease, clock, 'b', (id) => {
    asked.push(id);
    throw new Error('cannot tell');
  });
  await clock.advance(2_000);
  assert.ok(!b.elector.isLeader(), 'a check that throws never hands the lease over early');
  await clock.advance(10_000);
  assert.ok(b.elector.isLeader());
  await clock.advance(5_000);
  assert.ok(!asked.includes('b'), 'renewals do not ask about the elector itself');
  b.ac.abort();
  await clock.advance(10_000);
  await b.run;
});

void test('a leader that cannot renew steps down before the deadline, then rejoins as follower', async () => {
  const clock = new FakeClock();
  const lease = new MemoryLease(clock);
  const a = start(lease, clock, 'a');
  await clock.advance(100);
  const b = start(lease, clock, 'b');
  await clock.advance(5_000);
  a.link.mode = 'fail';
  await clock.advance(5_000);
  assert.ok(!a.elector.isLeader(), 'a stepped down');
  const aEnd = a.terms[0]!.end!;
  await clock.advance(10_000);
  assert.ok(b.elector.isLeader());
  assert.ok(b.terms[0]!.start > aEnd);
  // Network back: a stays a follower.
  a.link.mode = 'ok';
  await clock.advance(20_000);
  assert.ok(!a.elector.isLeader());
  assert.ok(b.elector.isLeader());
  assert.equal(a.terms.length, 1);
  assertExclusive(a, b);
  a.ac.abort();
  b.ac.abort();
  await clock.advance(10_000);
});

void test('clean shutdown releases the lease so the other takes over at once', async () => {
  const clock = new FakeClock();
  const lease = new MemoryLease(clock);
  const a = start(lease, clock, 'a');
  await clock.advance(100);
  const b = start(lease, clock, 'b');
  await clock.advance(5_000);
  assert.ok(a.elector.isLeader());
  const stoppedAt = clock.now();
  a.ac.abort();
  await clock.advance(3_000);
  await a.run;
  assert.equal(a.terms[0]!.end, stoppedAt);
  assert.ok(b.elector.isLeader());
  assert.ok(b.terms[0]!.start - stoppedAt <= 1.2 * timing.retryPeriodMs, `took ${b.terms[0]!.start - stoppedAt} ms`);
  assert.equal(lease.record?.holderIdentity, 'b');
  b.ac.abort();
  await clock.advance(10_000);
});

void test('rejects timings where the deadline is not shorter than the lease', () => {
  const clock = new FakeClock();
  const lease = new MemoryLease(clock);
  assert.throws(
    () => new LeaderElector({ lock: lease.lockFor({ mode: 'ok' }), identity: 'x', leaseDurationMs: 5000, renewDeadlineMs: 5000, onStartedLeading: () => undefined }),
    /renewDeadline must be shorter/,
  );
});
