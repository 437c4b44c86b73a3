import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter } from './lines.js';

void test('splits lines across chunk boundaries', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('{"a":'), []);
  assert.deepEqual(s.push('1}\n{"b"'), ['{"a":1}']);
  assert.deepEqual(s.push(':2}\n\n{"c":3}\n{"d"'), ['{"b":2}', '{"c":3}']);
  assert.equal(s.end(), '{"d"');
  assert.equal(s.end(), undefined);
});

void test('a chunk that is exactly one line', () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('x\n'), ['x']);
  assert.deepEqual(s.push('y'), []);
  assert.deepEqual(s.push('z'), []);
  assert.deepEqual(s.push('\n'), ['yz']);
});
