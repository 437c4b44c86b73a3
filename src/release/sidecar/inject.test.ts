import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Pod } from '@kubernetes/client-node';
import type { SidecarSet } from '../../api/release/sidecarset.js';
import { planInjection, SIDECAR_KEYS, waitReadyHook, type JsonPatchOp } from './inject.js';
import { KEYS } from '../keys.js';

function set(name: string, spec: Partial<SidecarSet['spec']>): SidecarSet {
  return {
    apiVersion: 'apps.plinth.dev/v1alpha1',
    kind: 'SidecarSet',
    metadata: { name },
    spec: { selector: { matchLabels: { app: 'web' } }, containers: [{ name: 'proxy', image: 'registry.local/proxy:1' }], launchOrder: 'BeforeApp', ...spec },
  };
}

function pod(extra: Partial<V1Pod['spec']> = {}, labels: Record<string, string> = { app: 'web' }): V1Pod {
  return { metadata: { generateName: 'web-', labels }, spec: { containers: [{ name: 'app', image: 'registry.local/web:1' }], ...extra } };
}

/** Applies `add` operations as the API server does (RFC 6902 subset). */
function applyPatch(doc: unknown, ops: JsonPatchOp[]): unknown {
  const out = structuredClone(doc) as Record<string, unknown>;
  for (const op of ops) {
    assert.equal(op.op, 'add');
    const parts = op.path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop()!;
    let cur: unknown = out;
    for (const p of parts) {
      cur = (cur as Record<string, unknown>)[p];
      assert.ok(cur !== undefined, `path ${op.path} exists`);
    }
    if (Array.isArray(cur)) {
      if (last === '-') cur.push(op.value);
      else cur.splice(Number(last), 0, op.value);
    } else (cur as Record<string, unknown>)[last] = op.value;
  }
  return out;
}

const base = { namespace: 'shop', namespaceLabels: { 'kubernetes.io/metadata.name': 'shop' } };

test('native sidecars go first in initContainers with restartPolicy Always, annotated with set and hash', () => {
  const p = pod({ initContainers: [{ name: 'migrate', image: 'registry.local/m:1' }] });
  const plan = planInjection({ ...base, pod: p, sets: [set('mesh', {})], nativeSidecars: true });
  assert.equal(plan.kind, 'patch');
  if (plan.kind !== 'patch') return;
  const out = applyPatch(p, plan.patch) as V1Pod;
  assert.deepEqual(out.spec!.initContainers!.map((c) => c.name), ['proxy', 'migrate']);
  assert.equal((out.spec!.initContainers![0] as { restartPolicy?: string }).restartPolicy, 'Always');
  assert.deepEqual(out.spec!.containers.map((c) => c.name), ['app']);
  assert.equal(out.metadata!.annotations![SIDECAR_KEYS.sets], 'mesh');
  assert.equal(out.metadata!.labels![SIDECAR_KEYS.injected], 'true');
  assert.match(JSON.parse(out.metadata!.annotations![SIDECAR_KEYS.hash]!).mesh as string, /^[0-9a-f]{10}$/);
});

test('without native sidecars BeforeApp puts the sidecars first with a postStart wait; None appends', () => {
  const probe = { readinessProbe: { httpGet: { port: 15021, path: '/ready' } } };
  const sets = [
    set('mesh', { containers: [{ name: 'proxy', image: 'registry.local/proxy:1', ...probe }, { name: 'agent', image: 'registry.local/a:1' }], volumes: [{ name: 'certs', emptyDir: {} }] }),
    set('zlog', { containers: [{ name: 'log', image: 'registry.local/log:1' }], launchOrder: 'None' }),
  ];
  const p = pod();
  const plan = planInjection({ ...base, pod: p, sets, nativeSidecars: false });
  assert.equal(plan.kind, 'patch');
  if (plan.kind !== 'patch') return;
  const out = applyPatch(p, plan.patch) as V1Pod;
  assert.deepEqual(out.spec!.containers.map((c) => c.name), ['proxy', 'agent', 'app', 'log']);
  assert.equal(out.spec!.initContainers, undefined);
  assert.match(out.spec!.containers[0]!.lifecycle!.postStart!.exec!.command!.join(' '), /wget -q -O \/dev\/null 'http:\/\/127.0.0.1:15021\/ready'/);
  assert.equal(out.spec!.containers[1]!.lifecycle, undefined, 'no probe: nothing to wait on');
  assert.deepEqual(out.spec!.volumes, [{ name: 'certs', emptyDir: {} }]);
  assert.equal(out.metadata!.annotations![SIDECAR_KEYS.sets], 'mesh,zlog');
});

test('a pod no set selects, a pod in kube-system, or a pod already injected gets nothing', () => {
  const sets = [set('mesh', {})];
  assert.equal(planInjection({ ...base, pod: pod({}, { app: 'db' }), sets, nativeSidecars: true }).kind, 'none');
  assert.equal(planInjection({ ...base, namespace: 'kube-system', pod: pod(), sets, nativeSidecars: true }).kind, 'none');
  const done = pod();
  done.metadata!.annotations = { [SIDECAR_KEYS.sets]: 'mesh' };
  assert.equal(planInjection({ ...base, pod: done, sets, nativeSidecars: true }).kind, 'none');
  const nsSel = [set('mesh', { namespaceSelector: { matchLabels: { mesh: 'on' } } })];
  assert.equal(planInjection({ ...base, pod: pod(), sets: nsSel, nativeSidecars: true }).kind, 'none');
  assert.equal(planInjection({ ...base, namespaceLabels: { mesh: 'on' }, pod: pod(), sets: nsSel, nativeSidecars: true }).kind, 'patch');
});

test('two matching sets injecting one container name: refused, nothing injected, the message says what to change', () => {
  const plan = planInjection({ ...base, pod: pod(), sets: [set('mesh-b', {}), set('mesh-a', {})], nativeSidecars: true });
  assert.equal(plan.kind, 'refuse');
  if (plan.kind !== 'refuse') return;
  assert.match(plan.message, /SidecarSets mesh-a and mesh-b both inject a container named "proxy" into pod shop\/web-\*/);
  assert.match(plan.message, /rename the container in one of them, or change the selector/);
  const clash = planInjection({ ...base, pod: pod({ containers: [{ name: 'proxy', image: 'x' }] }), sets: [set('mesh', {})], nativeSidecars: true });
  assert.equal(clash.kind, 'refuse');
});

test('waitReadyHook quotes exec probes and skips named ports', () => {
  const h = waitReadyHook({ name: 'p', readinessProbe: { exec: { command: ['cat', "/tmp/it's ready"] } } }, 5);
  assert.equal(h!.postStart!.exec!.command![2], `i=0; until 'cat' '/tmp/it'"'"'s ready' >/dev/null 2>&1; do i=$((i+1)); [ "$i" -ge 5 ] && exit 1; sleep 1; done`);
  assert.equal(waitReadyHook({ name: 'p', readinessProbe: { httpGet: { port: 'http' } } }), undefined);
});

test('the traffic readiness gate is added (and marked) unless the pod has it: a sidecar upgrade drains pods with it', () => {
  const p = pod({ readinessGates: [{ conditionType: 'lb.example/registered' }] });
  const plan = planInjection({ ...base, pod: p, sets: [set('mesh', {})], nativeSidecars: true });
  assert.equal(plan.kind, 'patch');
  if (plan.kind !== 'patch') return;
  const out = applyPatch(p, plan.patch) as V1Pod;
  assert.deepEqual(out.spec!.readinessGates!.map((g) => g.conditionType), ['lb.example/registered', KEYS.gate]);
  assert.equal(out.metadata!.annotations![SIDECAR_KEYS.gate], 'true');
  const bare = applyPatch(pod(), (planInjection({ ...base, pod: pod(), sets: [set('mesh', {})], nativeSidecars: false }) as { patch: JsonPatchOp[] }).patch) as V1Pod;
  assert.deepEqual(bare.spec!.readinessGates, [{ conditionType: KEYS.gate }]);
  const cd = pod({ readinessGates: [{ conditionType: KEYS.gate }] });
  const cdOut = applyPatch(cd, (planInjection({ ...base, pod: cd, sets: [set('mesh', {})], nativeSidecars: true }) as { patch: JsonPatchOp[] }).patch) as V1Pod;
  assert.deepEqual(cdOut.spec!.readinessGates, [{ conditionType: KEYS.gate }], 'a CellDeployment pod keeps its one gate');
  assert.equal(cdOut.metadata!.annotations![SIDECAR_KEYS.gate], undefined, 'and its controller admits it');
});
