import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifestText } from './manifests.js';
import { repairSeparators, typoSeparators } from './separators.js';

const A = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';
const B = 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: b\n';

test('typo separators are found with their line; --- and dashes inside text are not', () => {
  const text = `${A}----\n${B}---\n${A}--\n${B}-----  \r\n${A}  ----\nx: "----"\n`;
  assert.deepEqual(typoSeparators(text), [
    { line: 5, text: '----' },
    { line: 15, text: '--' },
    { line: 20, text: '-----' },
  ]);
  const fixed = repairSeparators(text);
  assert.equal(fixed.split('\n').length, text.split('\n').length, 'line numbers are kept');
  assert.deepEqual(typoSeparators(fixed), []);
});

test('a ---- between two objects: both are recovered at their lines, and the typo is an input error at its line', () => {
  const r = parseManifestText(`${A}----\n${B}`, false);
  assert.deepEqual(r.objects.map((o) => [o.kind, o.name, o.line]), [['ConfigMap', 'a', 1], ['CronJob', 'b', 6]]);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.line, 5);
  assert.match(r.errors[0]!.message, /"----" is not a YAML document separator/);
});

test('an unrendered Helm template keeps its own error', () => {
  const r = parseManifestText(`${A}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }\n`, false);
  assert.equal(r.objects.length, 1);
  assert.match(r.errors[0]!.message, /render it with `helm template` first/);
});
