import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Node } from '@kubernetes/client-node';
import { pastUncordon } from './control.js';
import { newNodeState, type NodeState } from './state.js';

const node = (o: { cordoned?: boolean; ready?: boolean; version?: string }): V1Node => ({
  metadata: { name: 'n1' },
  spec: o.cordoned ? { unschedulable: true } : {},
  status: {
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    ...(o.version !== undefined ? { nodeInfo: { kubeletVersion: o.version } as NonNullable<V1Node['status']>['nodeInfo'] } : {}),
  },
});
const state = (o: Partial<NodeState> = {}): NodeState => ({ ...newNodeState('n1'), phase: 'wait-ready', from: 'v1.34.4', ...o });

test('pastUncordon: a schedulable, Ready node at the expected version was uncordoned by the run', () => {
  assert.equal(pastUncordon(state(), node({ version: 'v1.35.6' }), 'v1.35.6'), true);
  assert.equal(pastUncordon(state({ phase: 'upgrade' }), node({ version: 'v1.35.6' }), 'v1.35.6'), true);
});

test('pastUncordon: cordoned, not Ready, at another version, gone, or cordoned before the run: not past it', () => {
  assert.equal(pastUncordon(state(), node({ cordoned: true, version: 'v1.35.6' }), 'v1.35.6'), false);
  assert.equal(pastUncordon(state(), node({ ready: false, version: 'v1.35.6' }), 'v1.35.6'), false);
  assert.equal(pastUncordon(state(), node({ version: 'v1.34.4' }), 'v1.35.6'), false);
  assert.equal(pastUncordon(state(), node({}), 'v1.35.6'), false);
  assert.equal(pastUncordon(state(), undefined, 'v1.35.6'), false);
  assert.equal(pastUncordon(state({ wasCordoned: true }), node({ version: 'v1.35.6' }), 'v1.35.6'), false);
});

test('pastUncordon without an expected version: the kubelet version must have moved from where it started', () => {
  assert.equal(pastUncordon(state(), node({ version: 'v1.35.0' }), undefined), true);
  assert.equal(pastUncordon(state(), node({ version: 'v1.34.4' }), undefined), false);
  assert.equal(pastUncordon(state({ from: undefined }), node({ version: 'v1.35.0' }), undefined), false);
});
