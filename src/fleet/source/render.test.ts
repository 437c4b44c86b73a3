import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlinthError } from '../../errors/index.js';
import { kustomizationFile, parseManifestFile, renderPlainFiles, splitYamlDocuments } from './render.js';

const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const failure = (fn: () => unknown): PlinthError => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PlinthError, `expected a PlinthError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an error');
};

test('plain files render in byte order of their paths, documents in file order, empty documents skipped', () => {
  const objects = renderPlainFiles(
    [
      { path: 'app/b.yaml', text: `${cm('b1')}---\n# only a comment\n---\n${cm('b2')}` },
      { path: 'app/A.yml', text: cm('A') },
      { path: 'app/a/z.json', text: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'z' } }) },
    ],
    'app',
  );
  assert.deepEqual(
    objects.map((o) => o.metadata.name),
    ['A', 'z', 'b1', 'b2'],
  );
});

test('a List is expanded into its items; an item without a name is refused with its index', () => {
  const list = `apiVersion: v1\nkind: List\nitems:\n- ${cm('one').replace(/\n/g, '\n  ').trimEnd()}\n- ${cm('two').replace(/\n/g, '\n  ').trimEnd()}\n`;
  assert.deepEqual(
    parseManifestFile({ path: 'l.yaml', text: list }, '').map((o) => o.metadata.name),
    ['one', 'two'],
  );
  const bad = `apiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {}\n`;
  const err = failure(() => parseManifestFile({ path: 'l.yaml', text: bad }, ''));
  assert.match(err.message, /l\.yaml:1: item 0 of the ConfigMapList: the ConfigMap has no metadata\.name/);
});

test('invalid YAML names file:line of the whole file, also in a later document', () => {
  const text = `${cm('ok')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  a: [1, 2\n`;
  const err = failure(() => parseManifestFile({ path: 'apps/web/cm.yaml', text }, 'apps/web'));
  assert.equal(err.code, 'FLEET_RENDER_FAILED');
  // The broken flow sequence opens on line 11 and js-yaml reports where it gave up (past the end), so the last line with text is named.
  assert.match(err.message, /^cannot render apps\/web: apps\/web\/cm\.yaml:11: invalid YAML: /);
});

test('an error inside a later document names the exact line of the file', () => {
  const second = (bad: string): string => `${cm('a')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n${bad}\ndata: {}\n`;
  assert.match(failure(() => parseManifestFile({ path: 'f.yaml', text: second('\tlabels: {}') }, '')).message, /^cannot render \/: f\.yaml:10: invalid YAML: tab characters/);
  assert.match(failure(() => parseManifestFile({ path: 'f.yaml', text: second('  name: c: d') }, '')).message, /f\.yaml:10: invalid YAML: bad indentation/);
});

test('an object without apiVersion, kind or name is refused at its line', () => {
  const err = failure(() => parseManifestFile({ path: 'x.yaml', text: `${cm('a')}---\n# leading comment\nkind: ConfigMap\nmetadata:\n  name: b\n` }, ''));
  assert.match(err.message, /x\.yaml:7: the object has no apiVersion/);
  assert.match(failure(() => parseManifestFile({ path: 'y.yaml', text: 'apiVersion: v1\nkind: Secret\n' }, '')).message, /y\.yaml:1: the Secret has no metadata\.name/);
  assert.match(failure(() => parseManifestFile({ path: 'z.yaml', text: '- a\n- b\n' }, '')).message, /the document is not a mapping/);
});

test('invalid JSON names its line', () => {
  const err = failure(() => parseManifestFile({ path: 'o.json', text: '{\n  "apiVersion": "v1"\n  "kind": "ConfigMap"\n}' }, ''));
  assert.match(err.message, /o\.json:3: invalid JSON/);
});

test('documents split at --- lines keep their first line', () => {
  assert.deepEqual(
    splitYamlDocuments('a: 1\n---\nb: 2\n--- # c\nc: 3').map((c) => c.line),
    [1, 3, 5],
  );
});

test('a kustomization is found under any of the names kustomize reads', () => {
  assert.equal(kustomizationFile(['a.yaml', 'kustomization.yml']), 'kustomization.yml');
  assert.equal(kustomizationFile(['Kustomization']), 'Kustomization');
  assert.equal(kustomizationFile(['a.yaml']), undefined);
});
