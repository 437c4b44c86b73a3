import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failingNodes, imageAliases, nodeHasImage, planPrewarm, type PrewarmInput, type PullPod } from './plan.js';

const NOW = new Date('2026-12-07T12:00:00Z');
const ago = (s: number): Date => new Date(NOW.getTime() - s * 1000);
const nodes = (...names: string[]): { name: string; images: string[] }[] => names.map((name) => ({ name, images: [] }));
const input = (over: Partial<PrewarmInput>): PrewarmInput => ({
  images: ['registry.local/web:2'],
  nodes: nodes('n1', 'n2', 'n3'),
  pods: [],
  parallelism: 10,
  timeoutSeconds: 60,
  now: NOW,
  ...over,
});
const pod = (node: string, image: string, state: PullPod['outcome'], createdAgoS = 1): PullPod => ({ node, image, outcome: state, createdAt: ago(createdAgoS) });

test('planPrewarm: one pull per (node, image), in node then image order, capped by parallelism', () => {
  const p = planPrewarm(input({ images: ['b:1', 'a:1'], parallelism: 3 }));
  assert.deepEqual(
    p.start.map((s) => `${s.node}/${s.image}`),
    ['n1/a:1', 'n1/b:1', 'n2/a:1'],
  );
  assert.equal(p.desired, 6);
  assert.equal(p.waiting, 6);
  assert.equal(p.phase, 'Running');
});

test('planPrewarm: the order of nodes, pods and images in the input does not change the plan', () => {
  const a = planPrewarm(input({ images: ['x:1', 'y:1'], nodes: nodes('n3', 'n1', 'n2'), parallelism: 2, pods: [pod('n2', 'x:1', { state: 'running' })] }));
  const b = planPrewarm(input({ images: ['y:1', 'x:1', 'y:1'], nodes: nodes('n1', 'n2', 'n3', 'n1'), parallelism: 2, pods: [pod('n2', 'x:1', { state: 'running' })] }));
  assert.deepEqual(a, b);
  assert.deepEqual(a.start, [{ node: 'n1', image: 'x:1' }]);
});

test('planPrewarm: running pulls use up parallelism; none start when it is full', () => {
  const pods = [pod('n1', 'registry.local/web:2', { state: 'running' }), pod('n2', 'registry.local/web:2', { state: 'running' })];
  const p = planPrewarm(input({ pods, parallelism: 2 }));
  assert.deepEqual(p.start, []);
  assert.equal(p.running, 2);
  assert.equal(p.waiting, 1);
  const q = planPrewarm(input({ pods: [pods[0]!, pod('n2', 'registry.local/web:2', { state: 'pulled' })], parallelism: 2 }));
  assert.deepEqual(q.start, [{ node: 'n3', image: 'registry.local/web:2' }]);
  assert.equal(q.pulled, 1);
});

test('planPrewarm: nodes that already list the image are skipped and count as pulled', () => {
  const p = planPrewarm(input({ nodes: [{ name: 'n1', images: ['registry.local/web:2'] }, { name: 'n2', images: ['other:1'] }] }));
  assert.deepEqual(p.start, [{ node: 'n2', image: 'registry.local/web:2' }]);
  assert.equal(p.pulled, 1);
  const all = planPrewarm(input({ nodes: [{ name: 'n1', images: ['registry.local/web:2'] }] }));
  assert.equal(all.phase, 'Succeeded');
  assert.deepEqual(all.start, []);
});

test('planPrewarm: Succeeded when every pull is done, Failed when one failed; failures carry the reason', () => {
  const ok = planPrewarm(input({ nodes: nodes('n1', 'n2'), pods: [pod('n1', 'registry.local/web:2', { state: 'pulled' }), pod('n2', 'registry.local/web:2', { state: 'pulled' })] }));
  assert.equal(ok.phase, 'Succeeded');
  assert.equal(ok.pulled, 2);
  const bad = planPrewarm(
    input({
      nodes: nodes('n1', 'n2'),
      pods: [pod('n1', 'registry.local/web:2', { state: 'pulled' }), pod('n2', 'registry.local/web:2', { state: 'failed', reason: 'ErrImagePull: not found' })],
    }),
  );
  assert.equal(bad.phase, 'Failed');
  assert.deepEqual(bad.failed, [{ node: 'n2', image: 'registry.local/web:2', reason: 'ErrImagePull: not found' }]);
  // A failure does not end the pre-warm while other pulls are left.
  const partial = planPrewarm(input({ pods: [pod('n1', 'registry.local/web:2', { state: 'failed', reason: 'x' })], parallelism: 1 }));
  assert.equal(partial.phase, 'Running');
  assert.deepEqual(partial.start, [{ node: 'n2', image: 'registry.local/web:2' }]);
});

test('planPrewarm: a pull running past timeoutSeconds fails, frees its slot, and the next timeout is reported', () => {
  const p = planPrewarm(
    input({
      nodes: nodes('n1', 'n2', 'n3'),
      parallelism: 2,
      timeoutSeconds: 30,
      pods: [pod('n1', 'registry.local/web:2', { state: 'running' }, 30), pod('n2', 'registry.local/web:2', { state: 'running' }, 10)],
    }),
  );
  assert.deepEqual(p.timedOut, [{ node: 'n1', image: 'registry.local/web:2' }]);
  assert.match(p.failed[0]!.reason, /not pulled within 30s/);
  assert.deepEqual(p.start, [{ node: 'n3', image: 'registry.local/web:2' }]);
  assert.equal(p.nextTimeoutMs, 20_000);
  assert.equal(p.phase, 'Running');
});

test('planPrewarm: no selected node is an immediate success with nothing desired', () => {
  const p = planPrewarm(input({ nodes: [] }));
  assert.equal(p.phase, 'Succeeded');
  assert.equal(p.desired, 0);
});

test('planPrewarm: pods of nodes no longer selected are ignored', () => {
  const p = planPrewarm(input({ nodes: nodes('n1'), pods: [pod('gone', 'registry.local/web:2', { state: 'running' })], parallelism: 1 }));
  assert.deepEqual(p.start, [{ node: 'n1', image: 'registry.local/web:2' }]);
  assert.equal(p.running, 0);
});

test('planPrewarm refuses a parallelism or timeout below 1', () => {
  assert.throws(() => planPrewarm(input({ parallelism: 0 })), /parallelism must be a whole number >= 1, not 0/);
  assert.throws(() => planPrewarm(input({ timeoutSeconds: 0 })), /timeoutSeconds must be > 0/);
});

test('imageAliases / nodeHasImage: Docker Hub names as runtimes list them', () => {
  assert.deepEqual(imageAliases('nginx'), ['nginx', 'nginx:latest', 'docker.io/library/nginx:latest']);
  assert.deepEqual(imageAliases('bitnami/redis:7'), ['bitnami/redis:7', 'docker.io/bitnami/redis:7']);
  assert.deepEqual(imageAliases('registry.local:5000/web:2'), ['registry.local:5000/web:2']);
  assert.ok(nodeHasImage({ name: 'n', images: ['docker.io/library/nginx:1.25'] }, 'nginx:1.25'));
  assert.ok(!nodeHasImage({ name: 'n', images: ['docker.io/library/nginx:1.25'] }, 'nginx:1.26'));
  assert.ok(!nodeHasImage({ name: 'n', images: ['registry.local/web:2'] }, 'registry.local/web:3'));
});

test('failingNodes: by name, at most max, failures listed per node', () => {
  const failed = ['n3', 'n1', 'n2', 'n1'].map((node, i) => ({ node, image: `i:${i}`, reason: 'r' }));
  assert.deepEqual(failingNodes(failed, 2), [
    { name: 'n1', failed: ['i:1: r', 'i:3: r'] },
    { name: 'n2', failed: ['i:2: r'] },
  ]);
});
