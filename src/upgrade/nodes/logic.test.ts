import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { actionArgv, renderCommand, shellQuote } from './action.js';
import { classifyPod, desiredHealthy, pdbsFor, selectorMatches } from './pods.js';
import { countNodes, etaMs, freeSlots, newNodeState, resumePhase, startOrder, type NodeState } from './state.js';
import { decodeRun, encodeRun, NODES_PER_CONFIGMAP, shardOf, shardsFor, splitRun } from './store.js';

const pod = (o: { owner?: string; mirror?: boolean; emptyDir?: boolean; phase?: string; labels?: Record<string, string> }): V1Pod => ({
  metadata: {
    name: 'p',
    namespace: 'ns',
    labels: o.labels ?? {},
    ...(o.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'x' } } : {}),
    ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.owner, name: 'w', uid: 'u', controller: true }] } : {}),
  },
  spec: { containers: [], ...(o.emptyDir ? { volumes: [{ name: 'v', emptyDir: {} }] } : {}) },
  status: { phase: o.phase ?? 'Running' },
});

test('drain: DaemonSet and mirror pods skipped; bare pods and emptyDir refused unless allowed', () => {
  assert.deepEqual(classifyPod(pod({ owner: 'DaemonSet' }), { deleteEmptyDirData: false }), { action: 'skip', why: 'daemonset' });
  assert.deepEqual(classifyPod(pod({ mirror: true }), { deleteEmptyDirData: false }), { action: 'skip', why: 'mirror' });
  assert.deepEqual(classifyPod(pod({ owner: 'ReplicaSet' }), { deleteEmptyDirData: false }), { action: 'evict', workload: 'ReplicaSet ns/w' });
  assert.equal(classifyPod(pod({}), { deleteEmptyDirData: false }).action, 'refuse');
  assert.equal(classifyPod(pod({ phase: 'Succeeded' }), { deleteEmptyDirData: false }).action, 'evict');
  const v = classifyPod(pod({ owner: 'ReplicaSet', emptyDir: true }), { deleteEmptyDirData: false });
  assert.equal(v.action, 'refuse');
  assert.match((v as { why: string }).why, /--delete-emptydir-data/);
  assert.equal(classifyPod(pod({ owner: 'ReplicaSet', emptyDir: true }), { deleteEmptyDirData: true }).action, 'evict');
});

test('PDB matching: selectors, and empty selectors per API version', () => {
  assert.ok(selectorMatches({ matchLabels: { app: 'a' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] }, { app: 'a', tier: 'x' }));
  assert.ok(!selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, { tier: 'x' }));
  assert.ok(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['y'] }] }, { tier: 'x' }));
  const b = (name: string, selector: object): V1PodDisruptionBudget => ({ metadata: { name, namespace: 'ns' }, spec: { selector } });
  const pdbs = [b('a', { matchLabels: { app: 'a' } }), b('all', {})];
  const p = pod({ owner: 'ReplicaSet', labels: { app: 'a' } });
  assert.deepEqual(pdbsFor(p, pdbs, 'policy/v1').map((x) => x.metadata!.name), ['a', 'all']);
  assert.deepEqual(pdbsFor(p, pdbs, 'policy/v1beta1').map((x) => x.metadata!.name), ['a']);
});

test('PDB desired healthy from the spec', () => {
  assert.equal(desiredHealthy({ spec: { minAvailable: 3 } }, 5), 3);
  assert.equal(desiredHealthy({ spec: { minAvailable: '50%' } }, 5), 3);
  assert.equal(desiredHealthy({ spec: { maxUnavailable: 1 } }, 5), 4);
  assert.equal(desiredHealthy({ spec: { maxUnavailable: '30%' } }, 10), 7);
});

test('commands: {node} is shell-quoted; ssh runs the system ssh in batch mode', () => {
  assert.equal(shellQuote("a'b"), `'a'\\''b'`);
  assert.equal(renderCommand('up {node} && echo {node}', 'n-1'), "up 'n-1' && echo 'n-1'");
  assert.equal(renderCommand('x {node}', 'n;rm -rf /'), "x 'n;rm -rf /'");
  assert.deepEqual(actionArgv({ kind: 'exec', command: 'up {node}' }, 'n1'), { file: 'sh', args: ['-c', "up 'n1'"] });
  const s = actionArgv({ kind: 'ssh', target: 'admin@{node}', command: 'sudo up {node}' }, 'n1');
  assert.equal(s.file, 'ssh');
  assert.deepEqual(s.args.slice(-2), ['admin@n1', "sudo up 'n1'"]);
  assert.ok(s.args.includes('BatchMode=yes'));
});

test('resume: a node mid-drain is cordoned and drained again; mid-upgrade is re-checked; the rest continue', () => {
  assert.equal(resumePhase('drain'), 'cordon');
  assert.equal(resumePhase('cordon'), 'cordon');
  assert.equal(resumePhase('upgrade'), 'upgrade');
  assert.equal(resumePhase('health'), 'health');
  assert.equal(resumePhase('done'), 'done');
  const n = (name: string, phase: NodeState['phase']): NodeState => ({ ...newNodeState(name), phase });
  const order = startOrder([n('a', 'pending'), n('b', 'done'), n('c', 'drain'), n('d', 'pending'), n('e', 'failed')]);
  assert.deepEqual(order.map((x) => x.name), ['c', 'a', 'd']);
});

test('window: failed (cordoned) nodes keep their slot', () => {
  assert.equal(freeSlots(3, 1, 0), 2);
  assert.equal(freeSlots(3, 1, 2), 0);
  assert.equal(freeSlots(2, 1, 5), 0);
});

test('counts and ETA', () => {
  const nodes: Record<string, NodeState> = {};
  for (let i = 0; i < 10; i++) nodes[`n${i}`] = { ...newNodeState(`n${i}`), phase: i < 4 ? 'done' : i < 6 ? 'drain' : 'pending', timings: i < 4 ? { total: 10_000 } : {} };
  const c = countNodes({ nodes });
  assert.deepEqual([c.done, c.inFlight, c.pending, c.total], [4, 2, 4, 10]);
  assert.equal(etaMs({ nodes }, 2), 25_000);
  assert.equal(etaMs({ nodes: { a: newNodeState('a') } }, 2), undefined);
});

test('the state ConfigMap round-trips, one key per node', () => {
  const state = {
    name: 'r',
    settings: parseLikeSettings(),
    phase: 'Running' as const,
    window: 2,
    createdAt: '2026-01-01T00:00:00.000Z',
    nodes: { a: newNodeState('a'), b: { ...newNodeState('b'), phase: 'done' as const } },
  };
  const data = encodeRun(state, 'pause');
  assert.deepEqual(Object.keys(data).sort(), ['control', 'node.a', 'node.b', 'run.json']);
  const back = decodeRun({ data });
  assert.deepEqual(back, { state, control: 'pause' });
  assert.equal(decodeRun({ data: {} }), undefined);
});

test('a large run spreads its node keys over several ConfigMaps, each far below the 1 MiB limit', () => {
  assert.equal(shardsFor(1), 0);
  assert.equal(shardsFor(NODES_PER_CONFIGMAP), 0);
  assert.equal(shardsFor(NODES_PER_CONFIGMAP + 1), 1);
  assert.equal(shardsFor(1000), 4);
  const names = Array.from({ length: 1000 }, (_, i) => `zone-${'abc'[i % 3]}-node-${i}`);
  // A realistic node entry: ten workloads and their PDBs, five blocking PDBs.
  const node = (n: string): ReturnType<typeof newNodeState> => ({
    ...newNodeState(n),
    phase: 'done',
    from: 'v1.34.4',
    to: 'v1.35.0',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:30.000Z',
    timings: { drain: 12345, upgrade: 12, waitReady: 150, health: 4000, total: 16500 },
    evicted: 10,
    upgradeAttempts: 1,
    blockedBy: Array.from({ length: 5 }, (_, i) => `bench-nodes/app-${i}`),
    workloads: Array.from({ length: 10 }, (_, i) => [`ReplicaSet bench-nodes/app-${i}-7f9c6d5b8d`, `PodDisruptionBudget bench-nodes/app-${i}`]).flat(),
  });
  const state = { name: 'r', settings: parseLikeSettings(), phase: 'Running' as const, window: 100, createdAt: '2026-01-01T00:00:00.000Z', nodes: Object.fromEntries(names.map((n) => [n, node(n)])) };
  const parts = splitRun(state, '', shardsFor(names.length));
  assert.equal(parts.length, 5);
  const size = (d: Record<string, string>): number => Object.entries(d).reduce((a, [k, v]) => a + k.length + Buffer.byteLength(v), 0);
  assert.ok(size(encodeRun(state)) > 1024 * 1024, 'one ConfigMap would be over the limit');
  for (const p of parts) assert.ok(size(p) < 400 * 1024, `a part holds ${size(p)} bytes`);
  assert.equal(parts[0]!.shards, '4');
  for (const p of parts.slice(1)) assert.equal(p.run, state.createdAt);
  // Merged back, the parts are the run (what RunStore.read does).
  const merged = Object.assign({}, ...parts.slice(1), parts[0]) as Record<string, string>;
  assert.deepEqual(decodeRun({ data: merged }), { state, control: '' });
  // Every node is in exactly one part, and shardOf says which.
  const where = shardOf(names, 4);
  for (const n of names) assert.ok(`node.${n}` in parts[where.get(n)!]!);
  assert.equal(parts.reduce((a, p) => a + Object.keys(p).filter((k) => k.startsWith('node.')).length, 0), 1000);
  // An old run without shards keeps every node in the main ConfigMap.
  assert.deepEqual(new Set(shardOf(names, 0).values()), new Set([0]));
});

function parseLikeSettings(): import('./options.js').RunSettings {
  return {
    selector: '',
    maxUnavailable: '2',
    action: { kind: 'simulate', version: 'v1.34.4' },
    expectVersion: 'v1.34.4',
    drainTimeoutMs: 1,
    podTimeoutMs: 1,
    nodeTimeoutMs: 1,
    healthTimeoutMs: 1,
    deleteEmptyDirData: false,
    onFailure: 'stop',
  };
}

test('RunStore.flush: callers that arrive while a write runs share the next one, not one write each', async () => {
  const { RunStore } = await import('./store.js');
  const names = Array.from({ length: 40 }, (_, i) => `n${i}`);
  const state = { name: 'r', settings: parseLikeSettings(), phase: 'Running' as const, window: 100, createdAt: '2026-01-01T00:00:00.000Z', nodes: Object.fromEntries(names.map((n) => [n, newNodeState(n)])) };
  const patches: Array<Record<string, string>> = [];
  const client = {
    patch: async (_r: unknown, _name: string, body: { data: Record<string, string> }): Promise<void> => {
      patches.push(body.data);
      await new Promise((r) => setTimeout(r, 40));
    },
  } as unknown as import('../../kube/http.js').KubeClient;
  const store = new RunStore(client, 'ns', 'r', state, { shards: 0, flushMs: 10_000 });
  // One node every 4 ms, each flushing before its next step (as the upgrade step does): 40 flushes over
  // 160 ms against writes of 40 ms each.
  const t0 = Date.now();
  await Promise.all(
    names.map(async (n, i) => {
      await new Promise((r) => setTimeout(r, i * 4));
      state.nodes[n]!.phase = 'upgrade';
      store.nodeChanged(n);
      await store.flush();
      assert.ok(patches.some((p) => Object.keys(p).some((k) => k.endsWith(n))), `${n} was written before its flush returned`);
    }),
  );
  const ms = Date.now() - t0;
  assert.ok(patches.length <= 8, `${patches.length} writes for 40 flushes`);
  assert.ok(ms < 600, `the last flush returned after ${ms} ms`);
  const written = new Set(patches.flatMap((p) => Object.keys(p)));
  assert.equal(written.size, 40, 'every node was written');
});
