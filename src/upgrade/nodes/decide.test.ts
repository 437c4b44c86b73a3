import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controlFor } from './decide.js';
import { decisionsOf } from './store.js';

test('controlFor: pause a Running run; abort a Running or Paused one; resume withdraws a pending pause only', () => {
  assert.deepEqual(controlFor('pause', 'Running', ''), { control: 'pause' });
  assert.deepEqual(controlFor('pause', 'Paused', ''), { refused: 'Paused' });
  assert.deepEqual(controlFor('abort', 'Paused', ''), { control: 'abort' });
  assert.deepEqual(controlFor('abort', 'Succeeded', ''), { refused: 'Succeeded' });
  assert.deepEqual(controlFor('resume', 'Running', 'pause'), { control: '' });
  assert.deepEqual(controlFor('resume', 'Running', ''), { refused: 'Running (no pause pending)' });
  assert.deepEqual(controlFor('resume', 'Failed', ''), { refused: 'Failed' });
});

test('decisionsOf: the recorded decisions; none for a missing or broken key', () => {
  assert.deepEqual(decisionsOf({ decisions: '[{"at":"t","by":"alice","action":"pause","phase":"Running"},{"x":1}]' }), [{ at: 't', by: 'alice', action: 'pause', phase: 'Running' }]);
  assert.deepEqual(decisionsOf({ decisions: '{' }), []);
  assert.deepEqual(decisionsOf(undefined), []);
});
