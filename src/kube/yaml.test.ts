import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseKubeYaml, parseKubeYamlAll, stringifyKubeYaml } from './yaml.js';

const doc = (text: string): Record<string, unknown> => parseKubeYaml(text) as Record<string, unknown>;

test('YAML 1.1 booleans are booleans, in values and in keys (as kubectl reads them)', () => {
  assert.deepEqual(doc('a: yes\nb: No\nc: on\nd: OFF\ne: y\nf: true\ng: "yes"\nh: n\n'), { a: true, b: false, c: true, d: false, e: true, f: true, g: 'yes', h: false });
  // A key that resolves to a boolean becomes its JSON string: the GitHub-Actions `on:` surprise.
  assert.deepEqual(doc('on: push\nno: 2\n'), { true: 'push', false: 2 });
  assert.deepEqual(doc('on: push\ny: 1\n'), { true: 1 }, '`y` and `on` are both the key "true"; the last one wins');
});

test('numbers as go-yaml v2 resolves them: octal 0755, 0o/0x/0b, underscores, floats; overflow stays a string', () => {
  assert.deepEqual(doc('a: 0755\nb: 0o17\nc: 0x1F\nd: 0b101\ne: 1_000\nf: +12\ng: -0\nh: 08\n'), { a: 493, b: 15, c: 31, d: 5, e: 1000, f: 12, g: 0, h: 8 });
  assert.deepEqual(doc('a: 1e3\nb: .5\nc: -.5\nd: 1.\ne: 1.5E-3\nf: 1e400\ng: 9223372036854775807\n'), { a: 1000, b: 0.5, c: -0.5, d: 1, e: 0.0015, f: '1e400', g: 2 ** 63 });
  assert.deepEqual(doc('0755: a\n1e3: b\n1.5: c\n'), { 493: 'a', 1000: 'b', '1.5': 'c' }, 'number keys become their decimal strings');
  assert.throws(() => parseKubeYaml('a: .inf\n'), /cannot be represented in JSON/);
  assert.throws(() => parseKubeYaml('a: .NaN\n'), /cannot be represented in JSON/);
});

test('nulls, timestamps, sexagesimals and the rest', () => {
  assert.deepEqual(doc('a: ~\nb: null\nc: NULL\nd:\ne: Null\n'), { a: null, b: null, c: null, d: null, e: null });
  assert.deepEqual(doc('a: 2026-12-01\nb: 2001-12-14t21:59:43.10-05:00\nc: 2026-12-01 10:00:00\nd: 1:20\ne: =\n'), { a: '2026-12-01', b: '2001-12-14t21:59:43.10-05:00', c: '2026-12-01 10:00:00', d: '1:20', e: '=' });
  assert.deepEqual(doc('a: !!str 12\nb: !!int "12"\nc: !!binary aGVsbG8=\nd: !!timestamp 2026-12-01\n'), { a: '12', b: 12, c: 'hello', d: '2026-12-01' });
  assert.deepEqual(doc('base: &b {p: 1, q: 1}\nm:\n  <<: *b\n  q: 2\n'), { base: { p: 1, q: 1 }, m: { p: 1, q: 2 } }, 'merge keys');
});

test('a key given twice: the last value wins, as with kubectl', () => {
  assert.deepEqual(doc('data:\n  a: "1"\n  a: "2"\n'), { data: { a: '2' } });
  // uniqueKeys: the repeat throws with its position, in kubectl's key meaning (`on` and `y` are both "true"); merge keys may be overridden.
  assert.throws(() => parseKubeYaml('data:\n  a: "1"\n  a: "2"\n', { uniqueKeys: true }), (e: { reason?: string; mark?: { line: number } }) => e.reason === 'duplicated mapping key' && e.mark?.line === 2);
  assert.throws(() => parseKubeYaml('on: push\ny: 1\n', { uniqueKeys: true }), /duplicated mapping key/);
  assert.deepEqual(parseKubeYaml('base: &b {p: 1, q: 1}\nm:\n  <<: *b\n  q: 2\n', { uniqueKeys: true }), { base: { p: 1, q: 1 }, m: { p: 1, q: 2 } });
});

test('multi-document streams: empty documents are dropped', () => {
  assert.deepEqual(parseKubeYamlAll('---\na: 1\n---\n---\n# only a comment\n---\nb: yes\n...\n'), [{ a: 1 }, { b: true }]);
  assert.throws(() => parseKubeYaml('a: 1\n---\nb: 2\n'), /single document/, 'one document where one is expected');
});

test('bad YAML throws with a position', () => {
  assert.throws(() => parseKubeYaml('a: [1, 2\nb: 3\n'), (err: unknown) => (err as { mark?: { line: number } }).mark?.line === 1 && /\(2:1\)/.test(String(err)));
});

// The reference: kubectl's own reading (sigs.k8s.io/yaml over go-yaml v2), where kubectl is installed.
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
test('reads like kubectl on a corpus of ambiguous scalars', { skip: kubectl ? false : 'kubectl is not installed' }, () => {
  const scalars = ['yes', 'No', 'on', 'OFF', 'y', 'N', 'true', 'False', '~', 'null', 'NULL', '0755', '0o17', '0x1F', '0b101', '-0b11', '1_000', '+_1', '-._5', '+12', '-0', '08', '09.5',
    '1e3', '.5', '-.5', '1.', '1.5E-3', '1e400', '2026-12-01', '2001-12-14t21:59:43.10-05:00', '1:20', '190:20:30.15', '=', '0.', '+.5e1', '12abc', '1_', '_1', '0x', '0o8', '.e1', '+'];
  const text = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: x}', 'data:', ...scalars.map((s, i) => `  k${i}: ${s}`), 'keys:', ...scalars.filter((s) => !['~', 'null', 'NULL'].includes(s)).map((s, i) => `  - ${s}: ${i}`)].join('\n') + '\n';
  const r = spawnSync('kubectl', ['label', '--local', '-f', '-', 'x=y', '-o', 'json'], { input: text, encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/dev/null' } });
  assert.equal(r.status, 0, r.stderr);
  const theirs = JSON.parse(r.stdout) as Record<string, unknown>;
  const ours = doc(text);
  assert.deepEqual(ours.data, theirs.data);
  assert.deepEqual(ours.keys, theirs.keys);
});

test('a written file reads back as the object written (strings a YAML 1.1 reader would misread stay strings)', () => {
  const obj = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'shop', labels: { on: 'yes', flag: 'off' }, annotations: { at: '2026-12-01T00:00:00Z', mode: '0755', time: '1:20', none: '~', nul: 'null' } },
    data: { 'config.yaml': 'replicas: 1\nfeature: on\n', n: '1e3', y: 'y', empty: '', plus: '+_1' },
    binaryData: {},
    spec: { replicas: 3, paused: false, ratio: 0.5, list: [1, 'two', true, null] },
  };
  const text = stringifyKubeYaml(obj);
  assert.deepEqual(parseKubeYaml(text), obj);
  assert.deepEqual(parse(text, { version: '1.1' }), obj, 'a YAML 1.1 reader reads the same');
  assert.deepEqual(parse(text, { version: '1.2' }), obj, 'a YAML 1.2 reader reads the same');
  assert.match(text, /^ {2}labels:\n {4}'on': 'yes'\n {4}flag: 'off'$/m, 'block style; strings YAML 1.1 reads as booleans (keys too) are quoted');
});

test('every string, however number-, date- or boolean-like, reads back as the same string', () => {
  const tricky = ['0755', '0o17', '0x1F', '0b101', '1_000', '1:20', '190:20:30.15', '1e3', '-1.5E+3', '.5', '+.inf', '-.Inf', '.NaN', '12', '-0', '+_1', '-_.5',
    '2026-12-01', '2026-1-2 3:04:05', '2001-12-14t21:59:43.10-05:00', '<<', '=', '~', 'Null', 'NULL', '', ' ', 'y', 'N', 'On', 'OFF', 'true', 'False',
    'a: b', '- x', '# c', '@x', '`x', '"q"', "'s'", 'multi\nline\n', 'trailing ', 'tab\there', '%x', '!tag', '&a', '*a', '{}', '[]', '? k', '|', '>', 'ünïcödé', '\u0007bell'];
  // Plus a deterministic sample of short strings over an alphabet made of the characters that make YAML ambiguous.
  const alphabet = ['0', '1', '7', '9', ':', '.', '-', '+', '_', 'e', 'E', 'x', 'b', 'o', 'y', 'n', 'N', 'T', 'Z', ' ', '#', '~', 'i', 'f'];
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const sample = Array.from({ length: 4000 }, () => Array.from({ length: 1 + (next() % 8) }, () => alphabet[next() % alphabet.length]).join(''));
  for (const v of [...tricky, ...sample]) {
    const obj = { data: { [v]: v, list: [v] } };
    const text = stringifyKubeYaml(obj);
    assert.deepEqual(parseKubeYaml(text), obj, `plinth reads ${JSON.stringify(v)} back from:\n${text}`);
    assert.deepEqual(parse(text, { version: '1.1' }), obj, `YAML 1.1 reads ${JSON.stringify(v)} back from:\n${text}`);
    assert.deepEqual(parse(text, { version: '1.2' }), obj, `YAML 1.2 reads ${JSON.stringify(v)} back from:\n${text}`);
  }
});

test('numbers, booleans and nulls stay typed; nothing is written as an anchor', () => {
  const shared = { a: 1 };
  const obj = { n: 3, f: 0.25, neg: -7, big: 1e21, small: 1e-7, t: true, z: null, one: shared, two: shared };
  const text = stringifyKubeYaml(obj);
  assert.doesNotMatch(text, /[&*]/);
  assert.deepEqual(parseKubeYaml(text), obj);
  assert.deepEqual(parse(text, { version: '1.1' }), obj);
});
