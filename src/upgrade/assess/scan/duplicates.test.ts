import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locateDuplicateKeys, parseDocumentWithDuplicates } from './duplicates.js';
import { parseManifestText } from './manifests.js';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';
// The second `apiVersion` wins (as kubectl applies it), so this is a removed CronJob version, not batch/v1.
const CRON = 'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\n  labels:\n    app: web\n    app: api\napiVersion: batch/v1beta1\n';

test('a repeated key: the object is still read, with the last value, and every repeat is reported at its line', () => {
  const r = parseManifestText(`${CM}---\n${CRON}`, false);
  assert.deepEqual(r.objects.map((o) => [o.apiVersion, o.kind, o.name, o.line]), [
    ['v1', 'ConfigMap', 'a', 1],
    ['batch/v1beta1', 'CronJob', 'nightly', 6],
  ]);
  assert.deepEqual((r.objects[1]!.body.metadata as { labels: unknown }).labels, { app: 'api' });
  assert.deepEqual(r.errors.map((e) => e.line), [12, 13]);
  assert.match(r.errors[0]!.message, /key "app" is given twice in the same mapping: the object is still assessed with the last value/);
  assert.match(r.errors[1]!.message, /key "apiVersion" is given twice/);
});

test('repeats in kubectl\'s key meaning: quoted and YAML 1.1 boolean spellings are the same key', () => {
  assert.deepEqual(locateDuplicateKeys('a: 1\n"a": 2\non: 3\ny: 4\nb: {c: 1, \'c\': 2}\n'), [
    { line: 2, key: 'a' },
    { line: 4, key: 'y' },
    { line: 5, key: 'c' },
  ]);
  assert.deepEqual(locateDuplicateKeys(CM), []);
});

test('a List with a repeated key in an item: every item is still read and the repeat reported', () => {
  const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: extensions/v1beta1\n  kind: Ingress\n  kind: Ingress\n  metadata: {name: b}\n';
  const r = parseManifestText(text, false);
  assert.deepEqual(r.objects.map((o) => [o.kind, o.line]), [['ConfigMap', 4], ['Ingress', 7]]);
  assert.deepEqual(r.errors.map((e) => [e.line, /"kind" is given twice/.test(e.message)]), [[9, true]]);
});

test('no repeat: one value, no error; merge keys are not repeats; other bad YAML still throws', () => {
  assert.deepEqual(parseDocumentWithDuplicates(CM), { value: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }, duplicates: [] });
  assert.deepEqual(parseDocumentWithDuplicates('b: &b {p: 1}\nm:\n  <<: *b\n  p: 2\n').duplicates, []);
  assert.throws(() => parseDocumentWithDuplicates('a: 1\na: 2\nb: [x\n'), /unexpected end|flow collection/);
});
