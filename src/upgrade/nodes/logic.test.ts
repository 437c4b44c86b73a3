import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod, V1PodDisruptionBudget } from '@kubernetes/client-node';
import { actionArgv, renderCommand, shellQuote } from './action.js';
import { classifyPod, desiredHealthy, pdbsFor, selectorMatches } from './pods.js';
import { countNodes, etaMs, freeSlots, newNodeState, resumePhase, startOrder, type NodeState } from './state.js';
import { decodeRun, encodeRun } from './store.js';

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
