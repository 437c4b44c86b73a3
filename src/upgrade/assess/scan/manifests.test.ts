import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifestText } from './manifests.js';
import { splitDocuments } from './documents.js';
import { collectInputs } from './inputs.js';
import { assessFiles } from './files.js';

const MULTI = `# leading comment
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: nightly
  namespace: jobs
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
--- # a comment on the separator
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: pdb}
spec:
  selector: {}
`;

test('multi-document YAML: every object with the line of its apiVersion', () => {
  const r = parseManifestText(MULTI, false);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(
    r.objects.map((o) => [o.kind, o.name, o.namespace, o.line]),
    [
      ['CronJob', 'nightly', 'jobs', 2],
      ['Deployment', 'web', undefined, 8],
      ['PodDisruptionBudget', 'pdb', undefined, 13],
    ],
  );
  assert.equal(splitDocuments(MULTI).length, 3);
});

test('List kinds: each item gets its own line', () => {
  const text = `apiVersion: v1
kind: List
items:
- apiVersion: extensions/v1beta1
  kind: Ingress
  metadata: {name: a}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b}
`;
  const r = parseManifestText(text, false);
  assert.deepEqual(r.objects.map((o) => [o.kind, o.line]), [['Ingress', 4], ['ConfigMap', 7]]);
});

test('JSON, including a JSON List', () => {
  const one = JSON.stringify({ apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'c' } }, null, 2);
  assert.equal(parseManifestText(one, true).objects[0]?.line, 2);
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }, { apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' } }] }, null, 2);
  const r = parseManifestText(list, true);
  assert.deepEqual(r.objects.map((o) => o.kind), ['ConfigMap', 'HorizontalPodAutoscaler']);
  assert.ok(r.objects[1]!.line > r.objects[0]!.line);
  const bad = parseManifestText('{\n  "apiVersion": "v1",\n  "kind": \n}', true);
  assert.equal(bad.errors.length, 1);
  assert.match(bad.errors[0]!.message, /malformed JSON/);
});

test('a malformed document is one error with its line; the other documents are still read', () => {
  const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: ok}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: [broken
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: after}
`;
  const r = parseManifestText(text, false);
  assert.equal(r.errors.length, 1);
  assert.ok(r.errors[0]!.line >= 8 && r.errors[0]!.line <= 9, `line ${r.errors[0]!.line}`);
  assert.deepEqual(r.objects.map((o) => o.name), ['ok', 'after']);
  assert.equal(r.objects[1]!.line, 10);
});

test('directories are walked recursively; stdin; a malformed file does not stop the others', () => {
  const dir = mkdtempSync(join(tmpdir(), 'assess-scan-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'a.yaml'), 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: c}\n');
  writeFileSync(join(dir, 'sub', 'b.yml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n');
  writeFileSync(join(dir, 'sub', 'c.json'), JSON.stringify({ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'p' } }));
  writeFileSync(join(dir, 'notes.txt'), 'not a manifest');
  const inputs = collectInputs([dir, '-']);
  assert.deepEqual(inputs.map((i) => i.name.replace(dir, '')), ['/a.yaml', '/sub/b.yml', '/sub/c.json', '-']);
  const r = assessFiles(inputs, 25, () => 'apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata: {name: i}\n');
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.file, join(dir, 'sub', 'b.yml'));
  assert.equal(r.errors[0]!.line, 4);
  assert.deepEqual(r.findings.map((f) => `${f.identity.file?.replace(dir, '')}:${f.identity.line} ${f.identity.kind} ${f.severity}`), [
    '/a.yaml:1 CronJob blocker',
    '/sub/c.json:1 PodDisruptionBudget blocker',
    '-:1 Ingress blocker',
  ]);
  assert.throws(() => collectInputs([join(dir, 'missing.yaml')]), /UPGRADE_ASSESS_INPUT|cannot read/);
});

test('scalars mean what they mean to kubectl and to the import (one YAML meaning, src/kube/yaml.ts)', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  enabled: yes\n  mode: 0755\n  big: 1e3\n  day: 2026-12-01\n  a: "1"\n  a: "2"\n';
  const r = parseManifestText(text, false);
  // kubectl keeps the last of a repeated key silently; assess reads it so too, and reports the repeat (#22.3).
  assert.deepEqual(r.errors.map((e) => e.line), [10]);
  assert.match(r.errors[0]!.message, /key "a" is given twice/);
  assert.deepEqual(r.objects[0]?.body.data, { enabled: true, mode: 493, big: 1000, day: '2026-12-01', a: '2' });
});
