import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding, Report } from '../../upgrade/assess/types.js';
import { newNodeState, type NodeState, type RunState } from '../../upgrade/nodes/state.js';
import { fixOf, nodeRunDetail, nodeRunItem, nodeSeconds, readiness, waitingFor } from './upgrade-views.js';

function node(name: string, phase: NodeState['phase'], extra: Partial<NodeState> = {}): NodeState {
  return { ...newNodeState(name), phase, ...extra };
}

function run(nodes: NodeState[]): RunState {
  return {
    name: 'r1',
    settings: { selector: '', maxUnavailable: '2', action: { kind: 'simulate', version: 'v1.35.0' } as unknown as RunState['settings']['action'], expectVersion: 'v1.35.0', drainTimeoutMs: 1, podTimeoutMs: 1, nodeTimeoutMs: 1, healthTimeoutMs: 1, deleteEmptyDirData: false, onFailure: 'stop' },
    phase: 'Running',
    window: 2,
    createdAt: '2026-12-07T10:00:00.000Z',
    nodes: Object.fromEntries(nodes.map((n) => [n.name, n])),
  };
}

test('a run item counts its nodes and names its target and window', () => {
  const s = run([node('a', 'done'), node('b', 'drain'), node('c', 'failed'), node('d', 'pending'), node('e', 'health')]);
  const item = nodeRunItem(s, 'pause');
  assert.deepEqual(item.nodes, { total: 5, done: 1, failed: 1, inFlight: 2, pending: 1, skipped: 0, aborted: 0 });
  assert.equal(item.target, 'v1.35.0');
  assert.equal(item.window, 2);
  assert.equal(item.control, 'pause');
  assert.equal(item.finishedAt, null);
});

test('waitingFor names the PDB that blocks a drain, the workloads of the health gate, nothing for finished nodes', () => {
  assert.equal(waitingFor(node('a', 'drain', { blockedBy: ['shop/web'] })), 'PDB shop/web allows no disruption now');
  assert.equal(waitingFor(node('a', 'drain')), 'its pods to be evicted');
  assert.equal(waitingFor(node('a', 'health', { workloads: ['Deployment shop/web'] })), 'workloads to be ready again: Deployment shop/web');
  assert.equal(waitingFor(node('a', 'wait-ready')), 'the node to be Ready at the new version');
  assert.equal(waitingFor(node('a', 'done')), null);
  assert.equal(waitingFor(node('a', 'pending')), null);
});

test('nodeSeconds: the recorded total, else the time since the start (until now or the end), null before it', () => {
  const now = Date.parse('2026-12-07T10:01:00.000Z');
  assert.equal(nodeSeconds(node('a', 'done', { timings: { total: 12_345 } }), now), 12.3);
  assert.equal(nodeSeconds(node('a', 'drain', { startedAt: '2026-12-07T10:00:30.000Z' }), now), 30);
  assert.equal(nodeSeconds(node('a', 'failed', { startedAt: '2026-12-07T10:00:30.000Z', finishedAt: '2026-12-07T10:00:40.000Z' }), now), 10);
  assert.equal(nodeSeconds(node('a', 'pending'), now), null);
});

test('the detail puts nodes in flight first, then failed, pending and finished, with zones and decisions', () => {
  const s = run([node('z-done', 'done'), node('y-pending', 'pending'), node('x-failed', 'failed'), node('w-drain', 'drain')]);
  const d = nodeRunDetail(s, '', [{ at: 't', by: 'alice', action: 'pause', phase: 'Running' }], new Map([['w-drain', 'zone-a']]), 0);
  assert.deepEqual(d.nodes.map((n) => n.name), ['w-drain', 'x-failed', 'y-pending', 'z-done']);
  assert.equal(d.nodes[0]!.zone, 'zone-a');
  assert.equal(d.nodes[1]!.zone, null);
  assert.deepEqual(d.decisions.map((x) => x.by), ['alice']);
});

const finding = (f: Partial<Finding>): Finding => ({ severity: 'blocker', code: 'removed-api', message: 'm', identity: { source: 'live' }, ...f });

test('fixOf: the advice, else the move to the replacement, else what to stop using', () => {
  assert.equal(fixOf(finding({ advice: 'do this' })), 'do this');
  assert.equal(fixOf(finding({ replacement: 'policy/v1', removedIn: '1.25', identity: { source: 'live', kind: 'PodDisruptionBudget' } })), 'move PodDisruptionBudget to policy/v1 before 1.25');
  assert.equal(fixOf(finding({ subject: '--insecure-port', removedIn: '1.24' })), 'stop using --insecure-port before 1.24');
  assert.match(fixOf(finding({})), /docs\/upgrade-assess\.md/);
});

test('readiness: every finding with its object, severity and fix; counts from the summary', () => {
  const report = {
    schemaVersion: 1,
    target: '1.34',
    current: 'v1.24.17',
    sources: { manifests: 0, objects: 3, helmReleases: 0, live: true },
    summary: { blockers: 1, warnings: 1, info: 0 },
    findings: [
      finding({ identity: { source: 'live', kind: 'CronJob', namespace: 'shop', name: 'nightly', apiVersion: 'batch/v1beta1' }, replacement: 'batch/v1', removedIn: '1.25' }),
      finding({ severity: 'warning', code: 'kubelet-skew', identity: { source: 'live', component: 'node-1' }, advice: 'upgrade the kubelet' }),
    ],
    path: { strategy: 'switch', to: '1.34', steps: [], explanation: 'x' },
    behaviourChanges: [],
    errors: [{ source: 'live', message: 'nodes: forbidden' }],
  } as unknown as Report;
  const r = readiness(report);
  assert.equal(r.target, '1.34');
  assert.deepEqual(r.counts, { blocker: 1, warning: 1, info: 0 });
  assert.deepEqual(r.blockers[0], { rule: 'removed-api', severity: 'blocker', object: { kind: 'CronJob', namespace: 'shop', name: 'nightly', apiVersion: 'batch/v1beta1' }, message: 'm', fix: 'move CronJob to batch/v1 before 1.25' });
  assert.equal(r.blockers[1]!.object.name, 'node-1');
  assert.deepEqual(r.errors, ['nodes: forbidden']);
});
