import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import type { SidecarSet } from '../../api/release/sidecarset.js';
import { KEYS } from '../keys.js';
import { planSidecarDrain, sidecarHolder, type SidecarDrainInput } from './drain-plan.js';
import { sidecarSetHash } from './hash.js';
import { SIDECAR_KEYS } from './inject.js';

function set(image: string, batchSize = 2): SidecarSet {
  return {
    apiVersion: 'apps.plinth.dev/v1alpha1',
    kind: 'SidecarSet',
    metadata: { name: 'mesh' },
    spec: { selector: {}, containers: [{ name: 'proxy', image }], launchOrder: 'BeforeApp', updateStrategy: { batchSize, paused: false } },
  };
}
const v1 = set('proxy:1');
const v2 = set('proxy:2');
const now = new Date('2024-01-01T00:01:00.000Z');
const long = '2024-01-01T00:00:00.000Z';

interface P {
  hash?: string;
  spec?: string;
  running?: string;
  gate?: 'True' | 'False';
  ready?: boolean;
  held?: string;
  drainStarted?: string;
  gated?: boolean;
  webhookGate?: boolean;
}

function pod(name: string, o: P = {}): V1Pod {
  const spec = o.spec ?? 'proxy:1';
  const annotations: Record<string, string> = { [SIDECAR_KEYS.hash]: JSON.stringify({ mesh: o.hash ?? sidecarSetHash(v1) }) };
  if (o.held) annotations[KEYS.heldBy] = o.held;
  if (o.drainStarted) annotations[KEYS.drainStarted] = o.drainStarted;
  if (o.webhookGate !== false) annotations[SIDECAR_KEYS.gate] = 'true';
  const conditions = [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }];
  if (o.gate) conditions.push({ type: KEYS.gate, status: o.gate });
  return {
    metadata: { name, namespace: 'shop', uid: `u-${name}`, resourceVersion: '7', annotations },
    spec: { containers: [{ name: 'proxy', image: spec }, { name: 'app', image: 'web:1' }], readinessGates: o.gated === false ? [] : [{ conditionType: KEYS.gate }] },
    status: {
      conditions,
      containerStatuses: [
        { name: 'proxy', image: o.running ?? spec, ready: true, restartCount: 0, imageID: '', state: { running: {} } },
        { name: 'app', image: 'web:1', ready: true, restartCount: 0, imageID: '', state: { running: {} } },
      ],
    },
  };
}

const input = (s: SidecarSet, pods: V1Pod[], o: Partial<SidecarDrainInput> = {}): SidecarDrainInput => ({ set: s, pods, inTraffic: () => false, drainSeconds: 3, now, ...o });
const kinds = (plan: ReturnType<typeof planSidecarDrain>): string[] => plan.actions.map((a) => `${a.kind}:${a.pod.metadata!.name}`);
const names = (ps: V1Pod[]): string[] => ps.map((p) => p.metadata!.name!);
const H = sidecarHolder(v2);

test('a batch starts only when no pod of the set is in flight, batchSize pods in name order', () => {
  const pods = [pod('d', { gate: 'True' }), pod('c', { gate: 'True' }), pod('b', { gate: 'True' }), pod('a', { gate: 'True' })];
  const plan = planSidecarDrain(input(v2, pods));
  assert.deepEqual(names(plan.next), ['a', 'b']);
  assert.equal(plan.behind, 4);
  const busy = planSidecarDrain(input(v2, [pod('a', { gate: 'False', ready: false, held: H, drainStarted: long }), ...pods.slice(0, 3)]));
  assert.equal(busy.inFlight, 1);
  assert.deepEqual(busy.next, [], 'the next batch waits for the one in flight');
});

test('a held pod: drained while an EndpointSlice lists it, changed once out for drainSeconds, admitted once its sidecar runs ready', () => {
  const drained = pod('a', { gate: 'False', ready: false, held: H, drainStarted: long });
  assert.deepEqual(kinds(planSidecarDrain(input(v2, [drained], { inTraffic: () => true }))), [], 'still listed: wait');
  assert.deepEqual(kinds(planSidecarDrain(input(v2, [drained]))), ['change:a']);
  const recent = pod('a', { gate: 'False', ready: false, held: H, drainStarted: '2024-01-01T00:00:59.000Z' });
  const timer = planSidecarDrain(input(v2, [recent]));
  assert.deepEqual(kinds(timer), []);
  assert.equal(timer.waitMs, 2000);
  const restarting = pod('a', { hash: sidecarSetHash(v2), spec: 'proxy:2', running: 'proxy:1', gate: 'False', ready: false, held: H, drainStarted: long });
  assert.deepEqual(kinds(planSidecarDrain(input(v2, [restarting]))), [], 'the old sidecar image still runs');
  const up = pod('a', { hash: sidecarSetHash(v2), spec: 'proxy:2', gate: 'False', ready: false, held: H, drainStarted: long });
  const plan = planSidecarDrain(input(v2, [up]));
  assert.deepEqual(plan.actions.map((a) => a.kind === 'admit' && a.release), [true]);
  assert.equal(plan.inFlight, 1, 'in flight until the hold is removed');
});

test('held but its gate never went False (killed between the two writes): drained again', () => {
  assert.deepEqual(kinds(planSidecarDrain(input(v2, [pod('a', { gate: 'True', held: H })]))), ['drain:a']);
});

test('pods held by another set or drained by their release wait; pods the webhook gated are admitted when ready', () => {
  const other = pod('a', { gate: 'False', ready: false, held: 'sidecarset/logs', drainStarted: long });
  const releasing = pod('b', { gate: 'False', ready: false, drainStarted: long, webhookGate: false });
  const plan = planSidecarDrain(input(v2, [other, releasing]));
  assert.deepEqual(kinds(plan), []);
  assert.deepEqual(plan.next, []);
  assert.match(plan.waiting.join(), /2 pod\(s\) held or drained by another controller/);
  const fresh = pod('c', { hash: sidecarSetHash(v2), spec: 'proxy:2', ready: false });
  assert.deepEqual(planSidecarDrain(input(v2, [fresh])).actions.map((a) => `${a.kind}:${a.kind === 'admit' && a.release}`), ['admit:false']);
  const cdPod = pod('d', { hash: sidecarSetHash(v2), spec: 'proxy:2', ready: false, webhookGate: false });
  assert.deepEqual(kinds(planSidecarDrain(input(v2, [cdPod]))), [], 'its CellDeployment admits it');
});

test('a pod without the traffic gate is a batch member changed without a drain, in flight until its sidecar settles', () => {
  const bare = pod('a', { gated: false, gate: undefined });
  assert.deepEqual(names(planSidecarDrain(input(v2, [bare])).next), ['a']);
  const moving = pod('a', { gated: false, hash: sidecarSetHash(v2), spec: 'proxy:2', running: 'proxy:1' });
  const plan = planSidecarDrain(input(v2, [moving, pod('b', { gate: 'True' })]));
  assert.equal(plan.inFlight, 1);
  assert.deepEqual(plan.next, []);
});

test('everything on the hash and settled: nothing to do', () => {
  const p = pod('a', { hash: sidecarSetHash(v2), spec: 'proxy:2', gate: 'True' });
  const plan = planSidecarDrain(input(v2, [p]));
  assert.deepEqual([plan.actions.length, plan.next.length, plan.inFlight, plan.behind], [0, 0, 0, 0]);
});
