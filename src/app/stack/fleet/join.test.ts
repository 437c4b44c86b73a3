import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenOf } from './join.js';

test('the join token is read from a bare line, the last line, or JSON', () => {
  assert.equal(tokenOf('eyJhbGci.abc.def\n'), 'eyJhbGci.abc.def');
  assert.equal(tokenOf('token valid for 1h:\neyJ.x.y\n'), 'eyJ.x.y');
  assert.equal(tokenOf('{"token":"t1","expiresAt":"x"}'), 't1');
  assert.equal(tokenOf('{"status":{"token":"t2"}}'), 't2');
  assert.throws(() => tokenOf('  \n'), /printed no token/);
});
