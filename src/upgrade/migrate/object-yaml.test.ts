import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseObjectYaml, stringifyObjectYaml } from './object-yaml.js';

test('an exported file reads back as the object the export wrote (strings YAML 1.1 would misread stay strings)', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'shop', labels: { on: 'yes', flag: 'off' }, annotations: { at: '2026-12-01T00:00:00Z', mode: '0755', time: '1:20', none: '~', nul: 'null' } },
    data: { 'config.yaml': 'replicas: 1\nfeature: on\n', n: '1e3', y: 'y', empty: '' },
    binaryData: {},
    spec: { replicas: 3, paused: false, ratio: 0.5, list: [1, 'two', true, null] },
  };
  const text = stringifyObjectYaml(obj);
  assert.deepEqual(parseObjectYaml(text), obj);
  assert.deepEqual(parse(text, { version: '1.1' }), obj, 'a YAML 1.1 reader (as kubectl) reads the same');
  assert.deepEqual(parse(text, { version: '1.2' }), obj, 'a YAML 1.2 reader reads the same');
  assert.match(text, /^ {2}labels:\n {4}'on': 'yes'\n {4}flag: 'off'$/m, 'block style; strings YAML 1.1 reads as booleans (keys too) are quoted');
});

test('every string, however number-, date- or boolean-like, reads back as the same string in YAML 1.1 and 1.2 readers', () => {
  const tricky = ['0755', '0o17', '0x1F', '0b101', '1_000', '1:20', '190:20:30.15', '1e3', '-1.5E+3', '.5', '+.inf', '-.Inf', '.NaN', '12', '-0',
    '2026-12-01', '2026-1-2 3:04:05', '2001-12-14t21:59:43.10-05:00', '<<', '=', '~', 'Null', 'NULL', '', ' ', 'y', 'N', 'On', 'OFF', 'true', 'False',
    'a: b', '- x', '# c', '@x', '`x', '"q"', "'s'", 'multi\nline\n', 'trailing ', 'tab\there', '%x', '!tag', '&a', '*a', '{}', '[]', '? k', '|', '>', 'ünïcödé', '\u0007bell'];
  // Plus a deterministic sample of short strings over an alphabet made of the characters that make YAML ambiguous.
  const alphabet = ['0', '1', '7', '9', ':', '.', '-', '+', '_', 'e', 'E', 'x', 'b', 'o', 'y', 'n', 'N', 'T', 'Z', ' ', '#', '~', 'i', 'f'];
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const sample = Array.from({ length: 4000 }, () => Array.from({ length: 1 + (next() % 8) }, () => alphabet[next() % alphabet.length]).join(''));
  for (const v of [...tricky, ...sample]) {
    const obj = { data: { [v]: v, list: [v] } };
    const text = stringifyObjectYaml(obj);
    assert.deepEqual(parseObjectYaml(text), obj, `plinth reads ${JSON.stringify(v)} back from:\n${text}`);
    assert.deepEqual(parse(text, { version: '1.1' }), obj, `YAML 1.1 reads ${JSON.stringify(v)} back from:\n${text}`);
    assert.deepEqual(parse(text, { version: '1.2' }), obj, `YAML 1.2 reads ${JSON.stringify(v)} back from:\n${text}`);
  }
});

test('numbers, booleans and nulls stay typed; nothing is written as an anchor', () => {
  const shared = { a: 1 };
  const obj = { n: 3, f: 0.25, neg: -7, big: 1e21, t: true, z: null, one: shared, two: shared };
  const text = stringifyObjectYaml(obj);
  assert.doesNotMatch(text, /[&*]/);
  assert.deepEqual(parseObjectYaml(text), obj);
  assert.deepEqual(parse(text, { version: '1.1' }), obj);
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
