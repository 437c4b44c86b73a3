import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Node } from '@kubernetes/client-node';
import type { ClusterDelivery, FleetDelivery, GitSource, MemberCluster } from '../../api/index.js';
import { clusterRow, deliveryItem, memberItem, nodeCounts, sourceItem } from './fleet-views.js';
import { wavesOf } from './routes-fleet.js';
import { changeEvent, streamWants, type ChangeEvent } from './events.js';
import { podStateAlone } from './event-summaries.js';
import type { KubeObject } from '../../kube/resource.js';
import { fakePod } from '../../../test/support/release-objects.js';

const fd = (over: Partial<FleetDelivery['spec']> = {}, status: FleetDelivery['status'] = undefined): FleetDelivery => ({
  apiVersion: 'fleet.plinth.dev/v1alpha1',
  kind: 'FleetDelivery',
  metadata: { name: 'app', namespace: 'ops', resourceVersion: '3' },
  spec: { sourceRef: { name: 'repo' }, path: 'apps/web', placement: { clusterSelector: {} }, prune: true, drift: 'Correct', suspend: false, paused: false, confirmedWaves: [], ...over },
  ...(status ? { status } : {}),
});

const member = (name: string, labels: Record<string, string>, accepted = true): MemberCluster => ({
  apiVersion: 'fleet.plinth.dev/v1alpha1',
  kind: 'MemberCluster',
  metadata: { name, labels },
  spec: { accepted },
});

test('a delivery row: phase, waves, counts, paused and the waiting wave; defaults before any status', () => {
  const row = deliveryItem(
    fd({ paused: true }, { phase: 'WaitingForConfirm', revision: 'c2', waves: [{ name: 'canary', phase: 'Succeeded', revision: 'c2' }, { name: 'rest', phase: 'WaitingForConfirm' }], clusters: { placed: 3, applied: 1, healthy: 1, failed: 0, disconnected: 1 } }),
  );
  assert.equal(row.phase, 'WaitingForConfirm');
  assert.equal(row.waitingWave, 'rest');
  assert.equal(row.paused, true);
  assert.deepEqual(row.waves, [{ name: 'canary', phase: 'Succeeded', revision: 'c2' }, { name: 'rest', phase: 'WaitingForConfirm', revision: null }]);
  assert.deepEqual(row.clusters, { placed: 3, applied: 1, healthy: 1, failed: 0, disconnected: 1 });
  const fresh = deliveryItem(fd());
  assert.deepEqual([fresh.phase, fresh.revision, fresh.waitingWave, fresh.source, fresh.path], ['Pending', null, null, 'repo', 'apps/web']);
});

test('a cluster row: Pending until its agent applied the sequence, then Failed or its health', () => {
  const cd = (status: ClusterDelivery['status']): ClusterDelivery => ({
    apiVersion: 'fleet.plinth.dev/v1alpha1',
    kind: 'ClusterDelivery',
    metadata: { name: 'ops.app', namespace: 'plinth-member-edge-1', labels: { 'fleet.plinth.dev/cluster': 'edge-1' } },
    spec: { delivery: { namespace: 'ops', name: 'app' }, revision: 'c2', sequence: 4, artifact: { digest: `sha256:${'a'.repeat(64)}`, url: 'u' }, prune: true, drift: 'Correct', suspend: false },
    ...(status ? { status } : {}),
  });
  const pending = clusterRow(cd({ appliedSequence: 3, appliedRevision: 'c1', health: 'Healthy' }), 'canary');
  assert.deepEqual([pending.cluster, pending.wave, pending.phase, pending.healthy, pending.desiredRevision, pending.appliedRevision], ['edge-1', 'canary', 'Pending', false, 'c2', 'c1']);
  const failed = clusterRow(cd({ appliedSequence: 4, health: 'Progressing', failures: [{ kind: 'Deployment', namespace: 'web', name: 'api', message: 'image pull' }] }), null);
  assert.equal(failed.phase, 'Failed');
  assert.deepEqual(failed.failures, [{ object: 'Deployment web/api', message: 'image pull' }]);
  const healthy = clusterRow(cd({ appliedSequence: 4, health: 'Healthy', drift: { detected: 2, corrected: 1 }, lastAppliedAt: '2026-12-07T10:00:00Z' }), null);
  assert.deepEqual([healthy.phase, healthy.healthy, healthy.drift, healthy.lastAppliedAt], ['Healthy', true, { detected: 2, corrected: 1 }, '2026-12-07T10:00:00Z']);
  assert.equal(clusterRow(cd(undefined), null).phase, 'Pending');
});

test('a source row names its ref kind and readiness', () => {
  const s: GitSource = {
    apiVersion: 'fleet.plinth.dev/v1alpha1',
    kind: 'GitSource',
    metadata: { name: 'repo', namespace: 'ops' },
    spec: { url: 'https://git.example/r.git', ref: { tag: 'v1' }, interval: '1m', suspend: false },
    status: { commit: 'abc1234', fetchedAt: '2026-12-07T10:00:00Z', conditions: [{ type: 'Ready', status: 'False', reason: 'FetchFailed', message: 'auth', lastTransitionTime: '2026-12-07T10:00:00Z' }] },
  };
  assert.deepEqual(sourceItem(s), { namespace: 'ops', name: 'repo', url: 'https://git.example/r.git', ref: 'v1', refKind: 'tag', commit: 'abc1234', fetchedAt: '2026-12-07T10:00:00Z', ready: false, message: 'auth' });
});

test('nodes and members are counted by zone and arch', () => {
  const node = (zone: string | undefined, arch: string, ready: boolean): V1Node => ({
    metadata: { name: 'n', labels: { ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}), 'kubernetes.io/arch': arch } },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
  assert.deepEqual(nodeCounts([node('a', 'amd64', true), node('a', 'arm64', false), node(undefined, 'amd64', true)]), { total: 3, ready: 2, byZone: { a: 2, '': 1 }, byArch: { amd64: 2, arm64: 1 } });
  const m = member('edge-1', { tier: 'edge', region: 'north', arch: 'arm64' });
  m.status = {
    kubernetesVersion: 'v1.34.0',
    agentVersion: '0.9.0',
    lastHeartbeat: '2026-12-07T10:00:00Z',
    nodes: [{ zone: 'z1', arch: 'arm64', count: 2, ready: 2 }, { zone: 'z2', arch: 'arm64', count: 1, ready: 0 }],
    conditions: [
      { type: 'Joined', status: 'True', reason: 'x', message: '', lastTransitionTime: '2026-12-07T10:00:00Z' },
      { type: 'Connected', status: 'False', reason: 'x', message: '', lastTransitionTime: '2026-12-07T10:00:00Z' },
    ],
  };
  const row = memberItem(m);
  assert.deepEqual([row.tier, row.region, row.arch, row.accepted, row.joined, row.connected, row.ready], ['edge', 'north', 'arm64', true, true, false, false]);
  assert.deepEqual(row.nodes, { total: 3, ready: 2, byZone: { z1: 2, z2: 1 }, byArch: { arm64: 3 } });
});

test('each placed cluster gets its planned wave; unaccepted or unplaced members none', () => {
  const d = fd({ placement: { clusterSelector: { matchLabels: { env: 'prod' } } }, rollout: { waves: [{ name: 'canary', clusterNames: ['a'], maxFailures: 0, soakSeconds: 0, needConfirm: false }], onFailure: 'Pause', disconnectedDeadlineSeconds: 300 } });
  const w = wavesOf(d, [member('a', { env: 'prod' }), member('b', { env: 'prod' }), member('c', { env: 'dev' }), member('d', { env: 'prod' }, false)]);
  assert.deepEqual([...w].sort(), [['a', 'canary'], ['b', 'rest']]);
});

test('live events: pods only to the stream of their namespace; ClusterDeliveries also to their delivery\'s; cluster-scoped only to unscoped streams', () => {
  const e = (kind: ChangeEvent['kind'], namespace: string, summary: Record<string, unknown> = {}): Pick<ChangeEvent, 'kind' | 'namespace' | 'summary'> => ({ kind, namespace, summary });
  assert.equal(streamWants(undefined, e('Pod', 'shop')), false);
  assert.equal(streamWants('shop', e('Pod', 'shop')), true);
  assert.equal(streamWants('shop', e('Pod', 'other')), false);
  assert.equal(streamWants(undefined, e('MemberCluster', '')), true);
  assert.equal(streamWants('shop', e('MemberCluster', '')), false);
  assert.equal(streamWants(undefined, e('FleetDelivery', 'ops')), true);
  assert.equal(streamWants('ops', e('ClusterDelivery', 'plinth-member-a', { delivery: { namespace: 'ops', name: 'app' } })), true);
  assert.equal(streamWants('shop', e('ClusterDelivery', 'plinth-member-a', { delivery: { namespace: 'ops', name: 'app' } })), false);
  assert.equal(streamWants('plinth-member-a', e('ClusterDelivery', 'plinth-member-a', { delivery: { namespace: 'ops', name: 'app' } })), true);
});

test('live events: the summary of a pod, a delivery and a member', () => {
  const pod = fakePod({ name: 'web-0', unit: 'u1', revision: 'r2', ready: true });
  pod.metadata!.namespace = 'shop';
  const ev = changeEvent('MODIFIED', 'Pod', pod);
  assert.equal(ev.namespace, 'shop');
  assert.deepEqual({ ...ev.summary, node: undefined }, { name: 'web-0', phase: 'Running', ready: true, unit: 'u1', revision: 'r2', state: 'ready', node: undefined });
  assert.equal(podStateAlone(fakePod({ name: 'x', ready: false })), 'updating');
  assert.equal(podStateAlone(fakePod({ name: 'x', ready: true, deleting: true })), 'draining');
  assert.equal(podStateAlone(fakePod({ name: 'x', phase: 'Failed' })), 'failed');
  const f = changeEvent('MODIFIED', 'FleetDelivery', fd({ paused: true }, { phase: 'Paused', history: [{ at: 'x', by: 'alice', action: 'Pause' }] }) as unknown as KubeObject);
  assert.deepEqual([f.summary.phase, f.summary.paused, f.summary.historyLength], ['Paused', true, 1]);
  const m = changeEvent('ADDED', 'MemberCluster', member('edge-1', { tier: 'edge' }) as unknown as KubeObject);
  assert.deepEqual([m.namespace, m.summary.name, m.summary.tier], ['', 'edge-1', 'edge']);
});
