import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import { canonicalJson, inPlaceChange, isPlinthKey, templateHash, type PodTemplateLike } from './revision.js';

function tpl(over: { labels?: Record<string, string>; annotations?: Record<string, string>; spec?: Record<string, unknown> } = {}): PodTemplateLike {
  return {
    metadata: { labels: over.labels ?? { app: 'web' }, ...(over.annotations ? { annotations: over.annotations } : {}) },
    spec: over.spec ?? {
      containers: [
        { name: 'app', image: 'registry.corp/web:1.0', env: [{ name: 'A', value: '1' }] },
        { name: 'sidecar', image: 'registry.corp/proxy:2.0' },
      ],
      initContainers: [{ name: 'init', image: 'registry.corp/init:1.0' }],
      terminationGracePeriodSeconds: 30,
    },
  };
}

test('canonicalJson sorts keys at every level and drops undefined properties', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: undefined }], c: null } }), '{"a":{"c":null,"d":[2,{"z":1}]},"b":1}');
  assert.equal(canonicalJson([undefined, new Date(0)]), '[null,"1970-01-01T00:00:00.000Z"]');
  assert.equal(canonicalJson('x'), '"x"');
});

test('canonicalJson rejects what JSON cannot hold', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  assert.throws(() => canonicalJson(cyclic), /cycle/);
  assert.throws(() => canonicalJson({ f: () => 1 }), /function/);
  assert.throws(() => canonicalJson({ n: 10n }), /bigint/);
  assert.throws(() => canonicalJson({ n: Number.NaN }), /not a JSON number/);
  const shared = { x: 1 };
  assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"x":1},"b":{"x":1}}', 'a shared object is not a cycle');
});

test('isPlinthKey recognises plinth.dev and its subdomains only', () => {
  assert.ok(isPlinthKey('plinth.dev/x'));
  assert.ok(isPlinthKey('apps.plinth.dev/revision'));
  assert.ok(!isPlinthKey('plinth.dev'));
  assert.ok(!isPlinthKey('notplinth.dev/x'));
  assert.ok(!isPlinthKey('plinth.dev.evil.com/x'));
  assert.ok(!isPlinthKey('app'));
});

test('templateHash is 10 hex characters, stable, and ignores key order', () => {
  const h = templateHash(tpl());
  assert.match(h, /^[0-9a-f]{10}$/);
  assert.equal(templateHash(tpl()), h);
  const reordered: PodTemplateLike = {
    spec: {
      terminationGracePeriodSeconds: 30,
      initContainers: [{ image: 'registry.corp/init:1.0', name: 'init' }],
      containers: [
        { env: [{ value: '1', name: 'A' }], image: 'registry.corp/web:1.0', name: 'app' },
        { image: 'registry.corp/proxy:2.0', name: 'sidecar' },
      ],
    },
    metadata: { labels: { app: 'web' } },
  };
  assert.equal(templateHash(reordered), h);
});

test('templateHash is a fixed function of the content (golden value)', () => {
  // sha256('{"spec":{}}') = 53aa778a9b13...; a change of algorithm or canonical form would rename every revision.
  assert.equal(templateHash({}), '53aa778a9b');
  assert.equal(templateHash({ metadata: {}, spec: {} }), '53aa778a9b');
});

test('templateHash changes with any meaningful change', () => {
  const h = templateHash(tpl());
  const changed = [
    tpl({ labels: { app: 'web', tier: 'front' } }),
    tpl({ annotations: { note: 'x' } }),
    tpl({ spec: { containers: [{ name: 'app', image: 'registry.corp/web:1.1' }] } }),
    tpl({ spec: { ...(tpl().spec as Record<string, unknown>), terminationGracePeriodSeconds: 31 } }),
  ];
  for (const t of changed) assert.notEqual(templateHash(t), h);
  // array order is meaningful
  const a = templateHash({ spec: { containers: [{ name: 'a' }, { name: 'b' }] } });
  const b = templateHash({ spec: { containers: [{ name: 'b' }, { name: 'a' }] } });
  assert.notEqual(a, b);
});

test("templateHash ignores Plinth's own keys and empty maps", () => {
  const h = templateHash(tpl());
  assert.equal(templateHash(tpl({ labels: { app: 'web', 'apps.plinth.dev/revision': 'abc' } })), h);
  assert.equal(templateHash(tpl({ annotations: { 'plinth.dev/note': 'x' } })), h);
  assert.equal(templateHash(tpl({ annotations: {} })), h);
});

test('templateHash accepts a client-node V1PodTemplateSpec', () => {
  const t: V1PodTemplateSpec = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1' }] } };
  assert.equal(templateHash(t), templateHash({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1' }] } }));
});

function withImages(app: string, sidecar: string): PodTemplateLike {
  const t = tpl();
  const spec = t.spec as { containers: Record<string, unknown>[] };
  spec.containers[0]!['image'] = app;
  spec.containers[1]!['image'] = sidecar;
  return t;
}

test('inPlaceChange: image-only changes are in place and list the changed containers in order', () => {
  assert.deepEqual(inPlaceChange(tpl(), withImages('registry.corp/web:1.1', 'registry.corp/proxy:2.0')), {
    inPlace: true,
    images: [{ container: 'app', image: 'registry.corp/web:1.1' }],
  });
  assert.deepEqual(inPlaceChange(tpl(), withImages('w:2', 'p:3')), {
    inPlace: true,
    images: [{ container: 'app', image: 'w:2' }, { container: 'sidecar', image: 'p:3' }],
  });
});

test('inPlaceChange: identical templates need nothing', () => {
  assert.deepEqual(inPlaceChange(tpl(), tpl()), { inPlace: true, images: [] });
  assert.deepEqual(inPlaceChange({}, {}), { inPlace: true, images: [] });
});

test("inPlaceChange: Plinth's own keys are ignored", () => {
  const r = inPlaceChange(tpl(), tpl({ labels: { app: 'web', 'apps.plinth.dev/unit': 'a' }, annotations: { 'plinth.dev/x': '1' } }));
  assert.deepEqual(r, { inPlace: true, images: [] });
});

function reason(oldT: PodTemplateLike, newT: PodTemplateLike): string {
  const r = inPlaceChange(oldT, newT);
  assert.equal(r.inPlace, false);
  return r.inPlace ? '' : r.reason;
}

test('inPlaceChange: label and annotation changes force recreate', () => {
  assert.equal(reason(tpl(), tpl({ labels: { app: 'web2' } })), 'template label "app" changed');
  assert.equal(reason(tpl(), tpl({ labels: { app: 'web', x: '1' } })), 'template label "x" added');
  assert.equal(reason(tpl(), tpl({ labels: {} })), 'template label "app" removed');
  assert.equal(reason(tpl(), tpl({ annotations: { a: '1' } })), 'template annotation "a" added');
});

test('inPlaceChange: other metadata fields force recreate', () => {
  const a = { metadata: { name: 'x' }, spec: {} } as PodTemplateLike;
  assert.equal(reason({}, a), 'template metadata.name changed');
});

test('inPlaceChange: init container changes, even image only, force recreate', () => {
  const t = tpl();
  (t.spec as { initContainers: Record<string, unknown>[] }).initContainers[0]!['image'] = 'registry.corp/init:2.0';
  assert.match(reason(tpl(), t), /^spec\.initContainers changed \(init containers run only when a pod starts\)$/);
});

test('inPlaceChange: container fields other than image force recreate', () => {
  const t = withImages('registry.corp/web:9', 'registry.corp/proxy:2.0');
  (t.spec as { containers: Record<string, unknown>[] }).containers[0]!['env'] = [];
  assert.equal(reason(tpl(), t), 'container "app": env changed');
  const u = tpl();
  (u.spec as { containers: Record<string, unknown>[] }).containers[1]!['resources'] = { requests: { cpu: '1' } };
  assert.equal(reason(tpl(), u), 'container "sidecar": resources changed');
});

test('inPlaceChange: added, removed, renamed or reordered containers force recreate', () => {
  const spec = tpl().spec as { containers: Record<string, unknown>[] };
  const fewer = tpl({ spec: { ...spec, containers: [spec.containers[0]] } });
  assert.match(reason(tpl(), fewer), /added or removed \(2 before, 1 now\)/);
  const swapped = tpl({ spec: { ...spec, containers: [spec.containers[1], spec.containers[0]] } });
  assert.match(reason(tpl(), swapped), /renamed or reordered \(container 0 was "app", now "sidecar"\)/);
  assert.equal(reason(tpl(), { ...tpl(), spec: { ...spec, containers: undefined } }), 'spec.containers changed');
});

test('inPlaceChange: other pod spec fields force recreate', () => {
  const spec = tpl().spec as Record<string, unknown>;
  assert.equal(reason(tpl(), tpl({ spec: { ...spec, nodeSelector: { disk: 'ssd' } } })), 'spec.nodeSelector changed');
  assert.equal(reason(tpl(), tpl({ spec: { ...spec, terminationGracePeriodSeconds: 5 } })), 'spec.terminationGracePeriodSeconds changed');
});

test('inPlaceChange: removing an image forces recreate', () => {
  const t = tpl();
  delete (t.spec as { containers: Record<string, unknown>[] }).containers[0]!['image'];
  assert.equal(reason(tpl(), t), 'container "app": image removed');
});
