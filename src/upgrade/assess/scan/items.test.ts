import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanItemLines } from './items.js';

test('JSON List: the line of each item, strings with brackets and escapes skipped, nested arrays inside items', () => {
  const list = { apiVersion: 'v1', kind: 'List', metadata: { note: 'a ] } [ "q" \\' }, items: [{ a: [1, [2]], s: '"]' }, { b: { c: [] } }, 'x', 7] };
  const text = JSON.stringify(list, null, 2);
  const want = text.split('\n').flatMap((l, i) => (/^ {4}(\{|"x"|7)/.test(l) ? [i + 1] : []));
  assert.equal(want.length, 4);
  assert.deepEqual(scanItemLines(text), want);
  assert.deepEqual(scanItemLines(JSON.stringify(list)), [1, 1, 1, 1], 'one line');
  assert.deepEqual(scanItemLines('{"kind": "List", "items": []}'), []);
  assert.equal(scanItemLines('{"kind": "List"}'), undefined);
});

test('YAML List: entries of the block sequence under items, at any indentation; block scalars and comments are not entries', () => {
  const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  data:\n    a: |\n      - not an item\n    # - nor this\n-   apiVersion: v1\n    kind: Secret\n\n- {apiVersion: v1, kind: Service}\nmetadata: {}\n- after: the sequence\n';
  assert.deepEqual(scanItemLines(text), [4, 10, 13]);
  assert.deepEqual(scanItemLines('kind: List\nitems:\n  - a: 1\n    b:\n    - c\n  - a: 2\n'), [3, 6]);
  assert.deepEqual(scanItemLines('---\nkind: List\nitems:\n  - a: 1\n'), [4]);
  assert.equal(scanItemLines('kind: List\nitems: [{a: 1}]\n'), undefined, 'flow style: left to the yaml package');
});
