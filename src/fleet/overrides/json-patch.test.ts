import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, JsonPatchError, parsePointer } from './json-patch.js';

test('pointers unescape ~1 and ~0', () => {
  assert.deepEqual(parsePointer(''), []);
  assert.deepEqual(parsePointer('/a/b~1c/~0d'), ['a', 'b/c', '~d']);
  assert.throws(() => parsePointer('a'), /not a JSON pointer/);
});

test('add, remove, replace, move, copy and test, as RFC 6902 section A shows', () => {
  const doc = { foo: 'bar', list: [1, 2], nested: { a: 1 } };
  const out = applyJsonPatch(doc, [
    { op: 'add', path: '/baz', value: 'qux' },
    { op: 'add', path: '/list/1', value: 9 },
    { op: 'add', path: '/list/-', value: 3 },
    { op: 'remove', path: '/foo' },
    { op: 'replace', path: '/nested/a', value: { deep: true } },
    { op: 'copy', from: '/nested', path: '/copied' },
    { op: 'move', from: '/baz', path: '/moved' },
    { op: 'test', path: '/list', value: [1, 9, 2, 3] },
    { op: 'replace', path: '/list/0', value: 0 },
  ]);
  assert.deepEqual(out, { list: [0, 9, 2, 3], nested: { a: { deep: true } }, copied: { a: { deep: true } }, moved: 'qux' });
  assert.deepEqual(doc, { foo: 'bar', list: [1, 2], nested: { a: 1 } }, 'the input is not modified');
});

test('a failing test or a missing path names the operation', () => {
  const doc = { spec: { replicas: 2 } };
  assert.throws(
    () => applyJsonPatch(doc, [{ op: 'test', path: '/spec/replicas', value: 3 }]),
    (e: unknown) => e instanceof JsonPatchError && e.index === 0 && /test \/spec\/replicas.*value is 2, not 3/.test(e.message),
  );
  assert.throws(() => applyJsonPatch(doc, [{ op: 'replace', path: '/spec/paused', value: true }]), /replace \/spec\/paused.*does not exist/);
  assert.throws(() => applyJsonPatch(doc, [{ op: 'add', path: '/status/x', value: 1 }]), /path \/status does not exist/);
  assert.throws(() => applyJsonPatch(doc, [{ op: 'remove', path: '/spec/none' }]), /does not exist/);
  assert.throws(() => applyJsonPatch({ a: [1] }, [{ op: 'add', path: '/a/5', value: 1 }]), /out of bounds/);
  assert.throws(() => applyJsonPatch({ a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/c' }]), /into one of its children/);
});

test('replacing the whole document and test on objects ignore key order', () => {
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }]), { b: 2 });
  assert.doesNotThrow(() => applyJsonPatch({ o: { x: 1, y: 2 } }, [{ op: 'test', path: '/o', value: { y: 2, x: 1 } }]));
});
