import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, stringify } from 'yaml';
import { parseObjectYaml } from './object-yaml.js';

test('an exported file reads back as the object the export wrote (strings YAML 1.1 would misread stay strings)', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'shop', labels: { on: 'yes', flag: 'off' }, annotations: { at: '2026-12-01T00:00:00Z', mode: '0755', time: '1:20', none: '~', nul: 'null' } },
    data: { 'config.yaml': 'replicas: 1\nfeature: on\n', n: '1e3', y: 'y', empty: '' },
    binaryData: {},
    spec: { replicas: 3, paused: false, ratio: 0.5, list: [1, 'two', true, null] },
  };
  assert.deepEqual(parseObjectYaml(stringify(obj, { lineWidth: 0, version: '1.1' })), obj);
});

test('YAML 1.1 booleans in a hand-edited file read as Kubernetes reads them', () => {
  const text = 'a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: true\ng: "yes"\nh: 2026-12-01\n';
  assert.deepEqual(parseObjectYaml(text), { a: true, b: false, c: true, d: false, e: true, f: true, g: 'yes', h: '2026-12-01' });
  const viaYaml = parse(text, { version: '1.1' }) as Record<string, unknown>;
  for (const k of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) assert.equal((parseObjectYaml(text) as Record<string, unknown>)[k], viaYaml[k], k);
});

test('bad YAML throws with a position', () => {
  assert.throws(() => parseObjectYaml('a: [1, 2\nb: 3\n'), /\(2:1\)/);
});
