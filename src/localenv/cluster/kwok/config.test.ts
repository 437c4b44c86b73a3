import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { kwokConfigYaml, KWOK_DEFAULTS, leaseWorkers } from './config.js';

const yaml = kwokConfigYaml({ ...KWOK_DEFAULTS, kubeletVersion: 'v1.34.4', inPlaceDelayMs: 750, nodeCount: 1000, nodeLeaseSeconds: 40 });
const docs = parseAllDocuments(yaml).map((d) => d.toJS() as Record<string, unknown> & { kind: string; metadata?: { name: string }; spec?: Record<string, unknown> });

void test('the kwok config is a KwokConfiguration followed by uniquely named node and pod stages', () => {
  assert.equal(docs[0]?.kind, 'KwokConfiguration');
  const stages = docs.slice(1);
  assert.ok(stages.every((d) => d.kind === 'Stage'));
  const names = stages.map((d) => d.metadata?.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of ['plinth-node-initialize', 'plinth-pod-start', 'plinth-pod-ready-sync', 'plinth-pod-inplace', 'plinth-pod-delete']) {
    assert.ok(names.includes(n), `${n} missing`);
  }
});

void test('options reach the stages: in-place delay, kubelet version; deletion leaves finalizers to the API server', () => {
  const byName = new Map(docs.slice(1).map((d) => [d.metadata?.name, d.spec as { delay?: { durationMilliseconds: number }; next: Record<string, unknown> }]));
  assert.equal(byName.get('plinth-pod-inplace')?.delay?.durationMilliseconds, 750);
  assert.match(JSON.stringify(byName.get('plinth-node-initialize')?.next), /v1\.34\.4/);
  const del = byName.get('plinth-pod-delete')?.next;
  assert.equal(del?.delete, true);
  assert.equal(del?.finalizers, undefined, 'kwok must not strip finalizers');
});

void test('the manage and freeze selectors are set', () => {
  const opts = (docs[0] as unknown as { options: Record<string, unknown> }).options;
  assert.equal(opts.manageNodesWithAnnotationSelector, 'kwok.x-k8s.io/node=fake');
  assert.equal(opts.disregardStatusWithAnnotationSelector, 'kwok.plinth.dev/frozen=true');
  assert.equal(opts.manageAllNodes, false);
});

void test('every pod status patch is conditional on the resourceVersion it was computed from', () => {
  const pods = docs.slice(1).filter((d) => (d.spec as { resourceRef: { kind: string } }).resourceRef.kind === 'Pod');
  const patches = pods.flatMap((d) => ((d.spec as { next: { patches?: { root: string; template: string }[] } }).next.patches ?? []).map((p) => ({ stage: d.metadata?.name, ...p })));
  assert.ok(patches.length >= 5);
  for (const p of patches) {
    assert.equal(p.root, '', `${p.stage}: the template must hold metadata and status`);
    assert.match(p.template, /^metadata:\n {2}resourceVersion: \{\{ \.metadata\.resourceVersion \| Quote \}\}\nstatus:\n/, `${p.stage}: no precondition`);
  }
});

void test('node lease workers grow with the renewals a second: one per 1.6 (16 nodes at a 40 s lease), at least 8', () => {
  assert.equal(leaseWorkers(3, 40), 8);
  assert.equal(leaseWorkers(200, 40), 13);
  assert.equal(leaseWorkers(1000, 40), 63);
  // A longer lease is renewed less often: fewer workers for the same nodes.
  assert.equal(leaseWorkers(1000, 120), 21);
  assert.equal(leaseWorkers(100, 120), 8);
  const options = (docs[0] as unknown as { options: { nodeLeaseParallelism: number; nodeLeaseDurationSeconds: number } }).options;
  assert.equal(options.nodeLeaseParallelism, 63);
  assert.equal(options.nodeLeaseDurationSeconds, 40);
  const longer = parseAllDocuments(kwokConfigYaml({ ...KWOK_DEFAULTS, kubeletVersion: 'v1.34.4', nodeCount: 1000, nodeLeaseSeconds: 120 }))[0]!.toJS() as { options: typeof options };
  assert.deepEqual([longer.options.nodeLeaseDurationSeconds, longer.options.nodeLeaseParallelism], [120, 21]);
});

void test('every stage selects with CEL alone: one jq requirement would make kwok convert each event to JSON', () => {
  for (const d of docs.slice(1)) {
    const reqs = (d.spec as { selector: { matchExpressions: Record<string, unknown>[] } }).selector.matchExpressions;
    assert.ok(reqs.length > 0, `${d.metadata?.name}: no selector`);
    for (const r of reqs) assert.deepEqual(Object.keys(r), ['cel'], `${d.metadata?.name}: ${JSON.stringify(r)}`);
  }
});

void test('pull pods: their own stage after pullMs (images tagged :fail-pull fail), never the ordinary start', async () => {
  const { pullMsFromEnv } = await import('./config.js');
  const custom = parseAllDocuments(kwokConfigYaml({ ...KWOK_DEFAULTS, kubeletVersion: 'v1.34.4', nodeCount: 3, nodeLeaseSeconds: 40, pullMs: 1234 }));
  const stages = new Map(
    custom.slice(1).map((d) => {
      const js = d.toJS() as { metadata: { name: string }; spec: { delay?: { durationMilliseconds: number }; selector: { matchExpressions: { cel: { expression: string } }[] }; next: { patches: { template: string }[] } } };
      return [js.metadata.name, js.spec];
    }),
  );
  const pull = stages.get('plinth-pod-pull');
  assert.equal(pull?.delay?.durationMilliseconds, 1234);
  assert.match(pull?.selector.matchExpressions[0]?.cel.expression ?? '', /"apps\.plinth\.dev\/prewarm-pull" in self\.metadata\.labels/);
  assert.match(pull?.next.patches[0]?.template ?? '', /hasSuffix ":fail-pull"[\s\S]*ErrImagePull[\s\S]*StartError/);
  assert.match(stages.get('plinth-pod-start')?.selector.matchExpressions[0]?.cel.expression ?? '', /!\("apps\.plinth\.dev\/prewarm-pull" in self\.metadata\.labels\)/);
  assert.equal(pullMsFromEnv({ PLINTH_KWOK_PULL_MS: '500' }), 500);
  assert.equal(pullMsFromEnv({ PLINTH_KWOK_PULL_MS: 'soon' }), 2000);
  assert.equal(pullMsFromEnv({}), 2000);
});
