import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Node } from '@kubernetes/client-node';
import { preflight, preflightArgv, preflightError, stillToUpgrade } from './preflight.js';
import type { KubeletSimulator } from './simulator.js';

const node = (name: string, version = 'v1.34.4', annotations: Record<string, string> = {}): V1Node => ({
  metadata: { name, annotations },
  status: { nodeInfo: { kubeletVersion: version } as NonNullable<V1Node['status']>['nodeInfo'] },
});

test('preflightArgv: ssh runs `true` (or --preflight) on the host in batch mode; exec only with --preflight; simulate nothing', () => {
  const s = preflightArgv({ kind: 'ssh', target: 'admin@{node}', command: 'sudo up' }, 'n1')!;
  assert.equal(s.file, 'ssh');
  assert.deepEqual(s.args.slice(-2), ['admin@n1', 'true']);
  assert.ok(s.args.includes('BatchMode=yes'));
  assert.deepEqual(preflightArgv({ kind: 'ssh', target: 'admin@{node}', command: 'sudo up', preflight: 'test -x /up' }, 'n1')!.args.slice(-1), ['test -x /up']);
  assert.deepEqual(preflightArgv({ kind: 'exec', command: 'up {node}', preflight: 'ping -c1 {node}' }, 'n1'), { file: 'sh', args: ['-c', "ping -c1 'n1'"] });
  assert.equal(preflightArgv({ kind: 'exec', command: 'up {node}' }, 'n1'), undefined);
  assert.equal(preflightArgv({ kind: 'simulate', version: 'v1.35.0' }, 'n1'), undefined);
});

test('stillToUpgrade: nodes at the expected version, or past their upgrade, need no preflight', () => {
  const nodes = [node('a'), node('b', 'v1.35.0'), node('c'), node('d')];
  assert.deepEqual(stillToUpgrade(nodes, 'v1.35.0').map((n) => n.metadata!.name), ['a', 'c', 'd']);
  assert.deepEqual(stillToUpgrade(nodes, undefined).map((n) => n.metadata!.name), ['a', 'b', 'c', 'd']);
  const phases: Record<string, string> = { a: 'drain', c: 'health', d: 'done' };
  assert.deepEqual(stillToUpgrade(nodes, 'v1.35.0', (n) => (phases[n] ?? 'pending') as never).map((n) => n.metadata!.name), ['a']);
});

test('preflight: every node is tried, in parallel; the failures are named with why', async () => {
  const nodes = ['n1', 'n2', 'n3'].map((n) => node(n));
  const t0 = Date.now();
  const failed = await preflight({ kind: 'exec', command: 'up', preflight: 'sleep 0.3; test {node} = n2 || { echo "no route to $PLINTH_NODE" >&2; exit 3; }' }, nodes);
  assert.ok(Date.now() - t0 < 850, 'the three ran at once');
  assert.deepEqual(failed, [
    { node: 'n1', why: "sh exited with 3: no route to n1" },
    { node: 'n3', why: "sh exited with 3: no route to n3" },
  ]);
  assert.deepEqual(await preflight({ kind: 'exec', command: 'up' }, nodes), [], 'nothing to run: nothing fails');
  const slow = await preflight({ kind: 'exec', command: 'up', preflight: 'sleep 5' }, [node('n1')], undefined, 200);
  assert.deepEqual(slow, [{ node: 'n1', why: '`sh` did not finish within 0.2s' }]);
});

test('preflight of --simulate-version: the simulator says which nodes it does not simulate', async () => {
  const sim: KubeletSimulator = {
    refuses: (n) => (n.metadata?.annotations?.fake === 'yes' ? undefined : 'not a simulated node'),
    setKubeletVersion: () => Promise.resolve(),
  };
  const a = { kind: 'simulate', version: 'v1.35.0' } as const;
  assert.deepEqual(await preflight(a, [node('b', 'v1.34.4', { fake: 'yes' }), node('a')], sim), [{ node: 'a', why: 'not a simulated node' }]);
  assert.match((await preflight(a, [node('a')]))[0]!.why, /no simulated kubelet/);
});

test('preflightError: one line, the first five nodes named, what to check', () => {
  const failures = Array.from({ length: 7 }, (_, i) => ({ node: `n${i}`, why: 'ssh exited with 255: ssh: Could not resolve hostname' }));
  const e = preflightError({ kind: 'ssh', target: 'admin@{node}.corp', command: 'up' }, failures, 9);
  assert.equal(e.code, 'UPGRADE_NODES_PREFLIGHT_FAILED');
  assert.equal(e.exitCode, 1);
  const line = e.userLine();
  assert.doesNotMatch(line, /\n/);
  assert.match(line, /failed its preflight on 7 of 9 node\(s\), so no node was cordoned or drained: n0: ssh exited with 255.*n4: .*; and 2 more/);
  assert.doesNotMatch(line, /n5:/);
  assert.match(line, /`ssh -o BatchMode=yes admin@\{node\}\.corp true` must work for every node.*--skip-preflight/);
});
