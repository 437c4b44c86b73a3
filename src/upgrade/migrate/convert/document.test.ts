import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { PlinthError } from '../../../errors/index.js';
import { convertJsonText, convertYamlText, looksLikeJson } from './document.js';

const SRC = `# Shop ingress (owned by team web)
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: shop   # the public name
  namespace: web
spec:
  # everything else goes to the fallback
  backend:
    serviceName: fallback # legacy service
    servicePort: 8080
  rules:
  - host: shop.example.com
    http:
      paths:
      # the API
      - path: /api
        backend:
          serviceName: api
          servicePort: http
---
# untouched, byte for byte
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data:
  long:    aaaaaaaaaaaaa bbbbbbbbbbbbbbbbb cccccccccccccccccc dddddddddddddddddddd eeeeeeeeeeeeeeeeeeee fffffffffffff
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: restricted
spec:
  privileged: false
---
apiVersion: v1
kind: List
items:
# a cron
- apiVersion: batch/v1beta1
  kind: CronJob
  metadata: {name: nightly}
  spec: {schedule: "0 3 * * *", jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: []}}}}}
- apiVersion: policy/v1beta1
  kind: PodSecurityPolicy
  metadata: {name: p}
`;

test('multi-document YAML: comments, order and untouched documents survive; left-out documents become a comment', () => {
  const r = convertYamlText(SRC, 34, 'shop.yaml');
  assert.equal(r.objects, 5);
  assert.equal(r.converted, 2);
  assert.equal(r.leftOut, 2);
  for (const c of ['# Shop ingress (owned by team web)', '# the public name', '# everything else goes to the fallback', 'name: fallback # legacy service', '# the API', '# a cron']) {
    assert.ok(r.text.includes(c), `comment kept: ${c}`);
  }
  assert.ok(r.text.includes(SRC.slice(SRC.indexOf('# untouched'), SRC.indexOf('fffff') + 14)), 'untouched document copied byte for byte');
  assert.match(r.text, /^---\n# plinth upgrade convert: policy\/v1beta1 PodSecurityPolicy restricted was left out — .*Pod Security Admission/m);
  assert.match(r.text, /# plinth upgrade convert: policy\/v1beta1 PodSecurityPolicy p was left out/);
  const docs = parseAllDocuments(r.text).map((d) => d.toJS() as Record<string, unknown> | null);
  assert.equal(docs.length, 4);
  assert.equal(docs[0]?.apiVersion, 'networking.k8s.io/v1');
  assert.deepEqual(Object.keys(docs[0] ?? {}), ['apiVersion', 'kind', 'metadata', 'spec']);
  assert.deepEqual((docs[0]?.spec as Record<string, unknown>).defaultBackend, { service: { name: 'fallback', port: { number: 8080 } } });
  assert.equal(docs[2], null);
  const items = (docs[3] as { items: { apiVersion: string; kind: string }[] }).items;
  assert.deepEqual(items.map((i) => `${i.apiVersion} ${i.kind}`), ['batch/v1 CronJob']);
  assert.deepEqual(
    r.warnings.map((w) => w.line),
    [29, 44],
  );
});

test('nothing to convert: the text comes back byte for byte', () => {
  const src = '# keep\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n    replicas: 1   # odd indent\n';
  const r = convertYamlText(src, 34, 'a.yaml');
  assert.equal(r.text, src);
  assert.equal(r.converted, 0);
});

test('a syntax error names the file and line', () => {
  const bad = 'apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: [ConfigMap\nmetadata:\n  name: x\n';
  assert.throws(
    () => convertYamlText(bad, 34, 'dir/bad.yaml'),
    (e: unknown) => e instanceof PlinthError && e.code === 'UPGRADE_CONVERT_BAD_MANIFEST' && /^dir\/bad\.yaml:\d+: /.test(e.message) && Number(e.params.line) >= 5,
  );
});

test('kubectl-style sequences (not indented) keep their style in converted documents', () => {
  const src = 'apiVersion: rbac.authorization.k8s.io/v1beta1\nkind: ClusterRole\nmetadata:\n  name: r\nrules:\n- apiGroups:\n  - ""\n  resources:\n  - pods\n  verbs: [get]\n';
  const r = convertYamlText(src, 22, 'r.yaml');
  assert.equal(r.text, src.replace('v1beta1', 'v1'));
});

test('JSON: a single object and a List, key order kept, PSP dropped', () => {
  const one = JSON.stringify({ apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '* * * * *' } }, null, 4);
  const r = convertJsonText(one, 25, 'c.json');
  assert.equal(r.text, JSON.stringify({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '* * * * *' } }, null, 4) + '\n');
  const list = JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'p' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
    ],
  });
  const l = convertJsonText(JSON.stringify(JSON.parse(list), null, 2), 34, 'l.json');
  assert.deepEqual(l.warnings.map((w) => w.line), [5]);
  assert.deepEqual(JSON.parse(l.text), { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }] });
  assert.equal(l.leftOut, 1);
  assert.throws(() => convertJsonText('{\n  "a": 1,\n  oops\n}', 34, 'x.json'), (e: unknown) => e instanceof PlinthError && e.params.line === 3);
  assert.equal(looksLikeJson('-', '  {"a":1}'), true);
  assert.equal(looksLikeJson('x.yaml', '{}'), false);
});

test('a patch that would break an alias is caught: the document is written out in full, correct, with a warning', () => {
  const src = '# pdb\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: a\nspec:\n  <<: &base\n    maxUnavailable: 1\n  selector: {}\n  other:\n    <<: *base\n';
  const r = convertYamlText(src, 34, 'a.yaml');
  assert.deepEqual(parseAllDocuments(r.text)[0]?.toJS(), { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'a' }, spec: { maxUnavailable: 1, other: { maxUnavailable: 1 } } });
  assert.ok(r.text.startsWith('# pdb\n'));
  assert.match(r.warnings.map((w) => w.message).join('\n'), /anchors, aliases or merge keys .* written out in full/);
});

test('anchors the conversion does not touch stay as they are', () => {
  const src = 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: c\n  labels: &l {app: c}\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    metadata:\n      labels: *l\n';
  const r = convertYamlText(src, 25, 'c.yaml');
  assert.equal(r.text, src.replace('batch/v1beta1', 'batch/v1'));
  assert.deepEqual(r.warnings, []);
});
