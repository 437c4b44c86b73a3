// Leader election between real OS processes on a real Lease (1.24 and 1.34):
//  - of two processes exactly one leads (its reports and the Lease agree);
//  - SIGKILL the leader: the other takes over once the lease has expired;
//  - with identities that name host and pid (holderIsDeadHere), SIGKILL the leader: the other takes over at once;
//  - a leader cut off from the API server steps down before another takes over;
//  - a leader shut down cleanly releases the lease and the other takes over at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startCluster, type LocalCluster } from '../src/localenv/index.js';
import { KubeClient } from '../src/kube/http.js';
import { CORE, inNamespace } from '../src/kube/resource.js';
import { sleep, waitFor } from './fixtures/kube-helpers.js';

const LD = 4000;
const RD = 2500;
const RP = 300;

interface Report {
  ev: string;
  id: string;
  t: number;
  leader?: string;
}

class Participant {
  readonly reports: Report[] = [];
  readonly child: ChildProcess;
  exited = false;
  constructor(
    readonly id: string,
    kubeconfig: string,
    lease: string,
    deadCheck = false,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/leader-process.ts'], {
      env: {
        ...process.env,
        KUBECONFIG: kubeconfig,
        LEASE_NS: 'default',
        LEASE_NAME: lease,
        ID: id,
        LD_MS: String(LD),
        RD_MS: String(RD),
        RP_MS: String(RP),
        DEAD_CHECK: deadCheck ? '1' : '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.reports.push(JSON.parse(line) as Report);
      } catch {
        /* not a report */
      }
    });
    this.child.on('exit', () => {
      this.exited = true;
    });
  }

  /** Leadership terms [start, end) from the process's own reports (end undefined while leading). */
  terms(killedAt?: number): Array<{ start: number; end: number | undefined }> {
    const out: Array<{ start: number; end: number | undefined }> = [];
    for (const r of this.reports) {
      if (r.ev === 'leading') out.push({ start: r.t, end: undefined });
      if (r.ev === 'stopped' && out.length > 0 && out.at(-1)!.end === undefined) out.at(-1)!.end = r.t;
    }
    const last = out.at(-1);
    if (last && last.end === undefined && killedAt !== undefined) last.end = killedAt;
    return out;
  }

  leading(): boolean {
    const t = this.terms();
    return !this.exited && t.length > 0 && t.at(-1)!.end === undefined;
  }

  has(ev: string): boolean {
    return this.reports.some((r) => r.ev === ev);
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

function assertNoOverlap(all: Array<{ p: Participant; killedAt?: number }>): void {
  const terms = all.flatMap(({ p, killedAt }) => p.terms(killedAt).map((t) => ({ id: p.id, ...t })));
  for (const a of terms) {
    for (const b of terms) {
      if (a === b) continue;
      const aEnd = a.end ?? Infinity;
      const bEnd = b.end ?? Infinity;
      assert.ok(aEnd <= b.start || bEnd <= a.start, `${a.id} [${a.start}, ${aEnd}) overlaps ${b.id} [${b.start}, ${bEnd})`);
    }
  }
}

for (const version of ['old', 'new'] as const) {
  describe(`leader election between processes on the ${version} API server`, () => {
    let cluster: LocalCluster;
    let client: KubeClient;
    const procs: Participant[] = [];
    const holder = async (lease: string): Promise<string | undefined> =>
      (await client.get<{ spec?: { holderIdentity?: string } }>(inNamespace(CORE.leases, 'default'), lease)).spec?.holderIdentity || undefined;

    before(async () => {
      cluster = await startCluster({ version, nodes: 0 });
      client = await KubeClient.fromKubeConfig(cluster.kubeConfig);
    });
    after(async () => {
      for (const p of procs) if (!p.exited) p.kill('SIGKILL');
      client?.close();
      await cluster?.stop();
    });

    test('exactly one leads; SIGKILL of the leader hands over after the lease expires', async () => {
      const lease = `failover-${version}`;
      const a = new Participant(`a-${version}`, cluster.kubeconfigPath, lease);
      const b = new Participant(`b-${version}`, cluster.kubeconfigPath, lease);
      procs.push(a, b);
      await waitFor(() => a.leading() || b.leading(), 'a leader', 20_000);
      // Watch for a while: one leader, the Lease names it, the other never leads.
      for (let i = 0; i < 10; i++) {
        await sleep(300);
        assert.equal(Number(a.leading()) + Number(b.leading()), 1, 'exactly one leader');
        const h = await holder(lease);
        assert.equal(h, a.leading() ? a.id : b.id, 'the Lease names the leader');
      }
      const [leader, follower] = a.leading() ? [a, b] : [b, a];
      assert.equal(follower.terms().length, 0);

      const killedAt = Date.now();
      leader.kill('SIGKILL');
      await waitFor(() => follower.leading(), 'the follower to take over', LD * 3);
      const took = follower.terms()[0]!.start - killedAt;
      assert.equal(await holder(lease), follower.id);
      assertNoOverlap([{ p: leader, killedAt }, { p: follower }]);
      // Within the lease duration of the kill (see the timing note on LeaderElector), and never
      // before the dead leader's own renew deadline had passed.
      assert.ok(took <= LD, `took over ${took} ms after the kill (lease ${LD} ms, retry ${RP} ms)`);
      const lastTick = Math.max(...leader.reports.map((r) => r.t));
      assert.ok(follower.terms()[0]!.start > lastTick, 'the new leader started after the old one last reported');
      console.log(`[${version}] takeover ${took} ms after SIGKILL (leaseDuration ${LD} ms, retryPeriod ${RP} ms)`);
    });

    test('a leader SIGKILLed on this host is taken over at once when the identities name host and pid (holderIsDeadHere)', async () => {
      const lease = `dead-here-${version}`;
      const a = new Participant(`da-${version}`, cluster.kubeconfigPath, lease, true);
      const b = new Participant(`db-${version}`, cluster.kubeconfigPath, lease, true);
      procs.push(a, b);
      await waitFor(() => a.leading() || b.leading(), 'a leader', 20_000);
      await sleep(1000);
      const [leader, follower] = a.leading() ? [a, b] : [b, a];
      assert.equal(follower.terms().length, 0, 'a live leader is never taken over');
      assert.match((await holder(lease)) ?? '', new RegExp(`^${leader.id}@.+_${leader.child.pid}_\\d+_[0-9a-f]{8}_[a-z0-9]+$`), 'the Lease names host, pid and PID namespace');
      const killedAt = Date.now();
      leader.kill('SIGKILL');
      await waitFor(() => follower.leading(), 'the follower to take over', LD * 3);
      const took = follower.terms()[0]!.start - killedAt;
      assert.ok((await holder(lease))?.startsWith(`${follower.id}@`), 'the Lease names the new leader');
      assertNoOverlap([{ p: leader, killedAt }, { p: follower }]);
      // Without the check it waits until the lease runs out: at least renewDeadline + (LD - RD) / 2 after the
      // last renewal, about 2.9 s after the kill here. With it, at the next retry (RP = 300 ms, jittered).
      assert.ok(took < (RD + (LD - RD) / 2) / 2, `took over ${took} ms after the kill (lease ${LD} ms, retry ${RP} ms)`);
      console.log(`[${version}] takeover of a holder dead on this host ${took} ms after SIGKILL (lease ${LD} ms)`);
    });

    test('a leader cut off from the API server steps down before another takes over; clean shutdown releases', async () => {
      const lease = `partition-${version}`;
      const a = new Participant(`pa-${version}`, cluster.kubeconfigPath, lease);
      await waitFor(() => a.leading(), 'first leader', 20_000);
      const b = new Participant(`pb-${version}`, cluster.kubeconfigPath, lease);
      procs.push(a, b);
      await waitFor(() => b.has('leader'), 'b to observe the leader', 20_000);
      a.kill('SIGUSR1'); // every lease request of a now fails
      await waitFor(() => b.leading(), 'b to take over', LD * 4);
      const aTerm = a.terms()[0]!;
      const bTerm = b.terms()[0]!;
      assert.ok(aTerm.end !== undefined, 'a stepped down');
      assert.ok(aTerm.end <= bTerm.start, `a stepped down (${aTerm.end}) before b started (${bTerm.start})`);
      console.log(`[${version}] partitioned leader stepped down ${bTerm.start - aTerm.end} ms before the new leader started`);
      a.kill('SIGUSR2'); // heal: a rejoins as a follower
      await sleep(3 * RP);
      assert.ok(!a.leading() && b.leading());
      assert.equal(await holder(lease), b.id);

      // Clean shutdown of b releases the lease: a takes over without waiting for expiry.
      const stopAt = Date.now();
      b.kill('SIGTERM');
      await waitFor(() => b.exited, 'b to exit', 10_000);
      await waitFor(() => a.leading(), 'a to take over after the release', LD * 2);
      const took = a.terms().at(-1)!.start - stopAt;
      assert.ok(took < LD, `released lease taken after ${took} ms (< lease duration ${LD} ms)`);
      assertNoOverlap([{ p: a }, { p: b }]);
      assert.equal(await holder(lease), a.id);
      a.kill('SIGTERM');
      await waitFor(() => a.exited, 'a to exit', 10_000);
      assert.equal(await holder(lease), undefined, 'released on clean shutdown');
    });
  });
}
