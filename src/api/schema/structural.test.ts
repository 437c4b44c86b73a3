import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { toStructural } from './structural.js';
import { IntOrString } from './types.js';

test('records become additionalProperties and literal unions become enums', () => {
  const s = toStructural(
    Type.Object({
      m: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
      e: Type.Union([Type.Literal('A'), Type.Literal('B')]),
      c: Type.Literal('only'),
    }),
  );
  const props = s.properties as Record<string, Record<string, unknown>>;
  assert.deepEqual(props.m, { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } });
  assert.deepEqual(props.e, { type: 'string', enum: ['A', 'B'] });
  assert.deepEqual(props.c, { type: 'string', enum: ['only'] });
  assert.deepEqual(s.required, ['m', 'e', 'c']);
});

test('x-kubernetes extensions pass through and TypeBox-only keywords are dropped', () => {
  const s = toStructural(
    Type.Object({ n: IntOrString({ default: 1 }) }, { $id: 'X', additionalProperties: false, 'x-kubernetes-validations': [{ rule: 'true' }] }),
  );
  assert.equal(s.$id, undefined);
  assert.equal(s.additionalProperties, undefined);
  assert.deepEqual(s['x-kubernetes-validations'], [{ rule: 'true' }]);
  const n = (s.properties as Record<string, Record<string, unknown>>).n!;
  assert.equal(n['x-kubernetes-int-or-string'], true);
  assert.equal(n.default, 1);
});

test('a record with several patterns is refused rather than silently mistranslated', () => {
  assert.throws(() => toStructural({ type: 'object', patternProperties: { a: { type: 'string' }, b: { type: 'string' } } }), /single-pattern/);
});

test('nested arrays and objects are converted all the way down', () => {
  const s = toStructural(Type.Array(Type.Object({ x: Type.Union([Type.Literal(1), Type.Literal(2)]) })));
  const item = s.items as Record<string, unknown>;
  assert.deepEqual((item.properties as Record<string, unknown>).x, { type: 'integer', enum: [1, 2] });
});

test('properties with defaults are not required, so default objects validate', () => {
  const s = toStructural(Type.Object({ a: Type.Integer({ default: 1 }), b: Type.String(), c: Type.Boolean({ default: false }) }));
  assert.deepEqual(s.required, ['b']);
  const none = toStructural(Type.Object({ a: Type.Integer({ default: 1 }) }));
  assert.equal(none.required, undefined);
});
